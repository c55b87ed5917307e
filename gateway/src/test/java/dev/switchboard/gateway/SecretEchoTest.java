package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.http.Json;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.spi.SecretRegistry;
import dev.switchboard.testkit.HeaderEchoServer;
import dev.switchboard.testkit.LogCapture;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * An upstream that echoes every request header, in every form, in its error body: no configured secret reaches the
 * client's 502 body or any log record at any level, HttpClient's header and wire logs included.
 */
@Timeout(60)
class SecretEchoTest {

    // Built at run time: no key-shaped literal is committed.
    private static final String INLINE_KEY = "sk-inline-" + "not-real-0001";
    private static final String ENV_KEY = "sk-env-" + "not-real-0002";
    private static final String CUSTOM_TOKEN = "custom-" + "token-not-real";
    private static final String GOOG_KEY = "goog-" + "key-not-real-03";
    private static final String HELICONE = "helicone-" + "not-real-04";
    private static final String TENANT = "tenant-" + "signature-not-real";
    private static final String GATEWAY_KEY = "gw-" + "client-key-not-real";
    private static final List<String> SECRETS = List.of(INLINE_KEY, ENV_KEY, CUSTOM_TOKEN, GOOG_KEY, HELICONE, TENANT,
            GATEWAY_KEY);
    private static final String HEADER_LOGGER = "org.apache.hc.client5.http.headers";
    private static final String WIRE_LOGGER = "org.apache.hc.client5.http.wire";

    /** A registry of its own with every secret: finds them in any form in any text. */
    private final SecretRegistry detector = SecretRegistry.create();
    private HeaderEchoServer echo;
    private LogCapture logs;
    private Switchboard switchboard;
    private Gateway gateway;

    @BeforeEach
    void start() {
        SECRETS.forEach(detector::register);
        echo = HeaderEchoServer.start(500);
        logs = LogCapture.open(HEADER_LOGGER, WIRE_LOGGER);
        List<String> hocon = new ArrayList<>(List.of(
                "switchboard {",
                "  sensitive-headers = [ \"X-Tenant-Signature\" ]",
                "  route-defaults.retry.max-retries = 0",
                "  default-route = all",
                "  gateway { port = 0, keys = [ \"" + GATEWAY_KEY + "\" ] }"));
        for (String form : List.of("raw", "json", "double", "url", "base64", "all")) {
            String headers = "headers { X-Custom-Token = \"" + CUSTOM_TOKEN + "\", X-Goog-Api-Key = \"" + GOOG_KEY
                    + "\", Helicone-Auth = \"Bearer " + HELICONE + "\", X-Tenant-Signature = \"" + TENANT + "\" }";
            hocon.add("  providers.inline-" + form + " { type = openai, base-url = \"" + echo.baseUrl() + "/" + form
                    + "/v1\", api-key = \"" + INLINE_KEY + "\", model = m, " + headers + " }");
            hocon.add("  providers.env-" + form + " { type = openai, base-url = \"" + echo.baseUrl() + "/" + form
                    + "/v1\", api-key-env = ECHO_KEY, model = m }");
            hocon.add("  routes." + form + ".targets = [ inline-" + form + ", env-" + form + " ]");
        }
        hocon.add("}");
        switchboard = Switchboard.builder().config(String.join("\n", hocon)).env(Map.of("ECHO_KEY", ENV_KEY)).build();
        gateway = Gateway.start(switchboard);
    }

    @AfterEach
    void stop() {
        try {
            if (gateway != null) {
                gateway.shutdown(Duration.ofSeconds(2));
            }
            if (switchboard != null) {
                switchboard.close();
            }
        } finally {
            logs.close();
            echo.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "json", "double", "url", "base64", "all"})
    void noSecretReachesTheClientOrAnyLogRecord(String form) throws Exception {
        // when a chat goes to a route whose every target echoes the request headers
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + gateway.port()
                + "/v1/chat/completions").openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(20000);
        c.setRequestMethod("POST");
        c.setRequestProperty("Authorization", "Bearer " + GATEWAY_KEY);
        c.setRequestProperty("Content-Type", "application/json");
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
            out.write(("{\"model\":\"" + form + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        String body;
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        // then the upstream was asked and echoed, and the client's 502 shows the echo masked
        assertThat(echo.requests()).isEqualTo(2);
        assertThat(status).as(body).isEqualTo(502);
        String message = Json.parse(body, "reply").path("error").path("message").asText();
        assertThat(message).contains(form.equals("all") ? "request headers" : form + " echo", "****");
        assertNoSecretIn("the 502 body", body);
        assertNoSecretIn("the decoded message", message);
        // and HttpClient logged the headers it sent, masked, as did every other logger
        assertThat(logs.text()).contains(HEADER_LOGGER, ">> Authorization: ****", WIRE_LOGGER);
        for (String record : logs.records()) {
            assertNoSecretIn("a log record", record);
        }
    }

    private void assertNoSecretIn(String where, String text) {
        assertThat(detector.containsSecret(text)).as(where + " leaks a secret: " + text).isFalse();
    }
}
