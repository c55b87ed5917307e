package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays bounded under hostile heads: a gateway in its own JVM with a 64 MiB heap (and
 * {@code -XX:+ExitOnOutOfMemoryError}, so any OutOfMemoryError ends it) holds hundreds of connections that each
 * declared a 4 MiB body and sent one byte, and refuses a burst of megabyte header lines, then still answers
 * {@code /health}. Allocating by declared length would need over a gigabyte here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SmallHeapTest {

    private static final int DECLARED_BODIES = 300;
    private static final int HUGE_HEADERS = 40;

    @Test
    void aSmallHeapGatewaySurvivesHundredsOfLargeDeclaredBodiesAndHugeHeaders(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("switchboard.conf");
        Files.writeString(conf, String.join("\n",
                "switchboard {",
                "  providers.p { type = openai, base-url = \"http://127.0.0.1:9/v1\", api-key = \"test-key-not-real\","
                        + " model = \"m\" }",
                "  gateway.port = 0",
                "}"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process gateway = new ProcessBuilder(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), BenchGatewayMain.class.getName(), conf.toString())
                .redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        List<RawClient> held = new ArrayList<>();
        try {
            int port = awaitReady(gateway, output);

            for (int i = 0; i < DECLARED_BODIES; i++) {
                RawClient c = new RawClient(port);
                held.add(c);
                c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\ncontent-type: application/json\r\n"
                        + "content-length: 4194304\r\nexpect: 100-continue\r\n\r\n");
            }
            for (RawClient c : held) {
                // 100 Continue comes after the exchange has taken the head and made its body buffer.
                assertThat(c.read().status()).isEqualTo(100);
                c.send("{");
            }
            String hugeHead = "GET /health HTTP/1.1\r\nHost: gateway\r\nx-big: " + "b".repeat(1024 * 1024) + "\r\n\r\n";
            List<RawClient> huge = new ArrayList<>();
            for (int i = 0; i < HUGE_HEADERS; i++) {
                RawClient c = new RawClient(port);
                huge.add(c);
                c.sendInBackground(RawClient.ascii(hugeHead));
            }
            for (RawClient c : huge) {
                assertThat(c.read().status()).isEqualTo(431);
                c.close();
            }

            try (RawClient c = new RawClient(port)) {
                RawClient.Answer health = c.exchange("GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n");
                assertThat(health.status()).as("gateway output:%n%s", output).isEqualTo(200);
                assertThat(health.body()).contains("\"exchange_failures\":0");
            }
            assertThat(gateway.isAlive()).as("gateway output:%n%s", output).isTrue();
        } finally {
            for (RawClient c : held) {
                c.close();
            }
            gateway.destroy();
            if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
        assertThat(output.toString(StandardCharsets.UTF_8)).doesNotContain("OutOfMemoryError");
    }

    /** Reads the child's output until {@code READY <port>}, then keeps draining it into {@code output}. */
    private static int awaitReady(Process process, ByteArrayOutputStream output) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            synchronized (output) {
                output.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (line.startsWith("READY ")) {
                Thread drain = new Thread(() -> {
                    try {
                        for (String l = lines.readLine(); l != null; l = lines.readLine()) {
                            synchronized (output) {
                                output.writeBytes((l + "\n").getBytes(StandardCharsets.UTF_8));
                            }
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                }, "small-heap-gateway-output");
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(line.substring("READY ".length()).strip());
            }
        }
        throw new AssertionError("the gateway did not start:\n" + output);
    }
}
