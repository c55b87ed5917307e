package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chat bodies read one after another by the gateway's I/O threads, each with the JSON parser it keeps: a malformed
 * body, or one cut in the middle of a value, is answered 400 as always, and good bodies read after it by the same
 * thread are read whole and answered as if they came first. (A 400 for a body ends its connection, so the bodies after
 * it come on new connections, which the reactor hands to its I/O threads in turn: four of them reach every thread.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BodiesAfterABadOneTest {

    private static final String GOOD = "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final int CONNECTIONS_AFTER = 4;

    private GatewayHarness h;

    @BeforeEach
    void start() {
        h = GatewayHarness.start();
        // only the request the good body asks for is answered: a body misread would not be
        h.upstream.stubFor(post("/primary/v1/chat/completions")
                .withRequestBody(matchingJsonPath("$.messages[0][?(@.role == 'user' && @.content == 'Hi')]"))
                .withRequestBody(matchingJsonPath("$[?(@.messages.size() == 1)]"))
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void goodBodiesAfterAMalformedOrCutOneAreReadWhole() throws Exception {
        String first = exchange(GOOD);
        assertThat(first).startsWith("HTTP/1.1 200").contains("\"object\":\"chat.completion\"");
        String answer = first.substring(first.indexOf("\"choices\""));
        for (int i = 0; i < CONNECTIONS_AFTER; i++) {
            exchange(GOOD); // every I/O thread has its parser, and its upstream connection
        }
        for (String bad : new String[] {
                "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],}", // syntax error
                "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"H", // cut in a string
                "{\"model\":\"default\",\"messages\":[", // cut between values
                "{\"model\":\"default\",\"temperature\":0.", // cut in a number
                "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]", // cut at the end
        }) {
            String refused = exchange(bad);
            assertThat(refused).as(bad).startsWith("HTTP/1.1 400")
                    .contains("We could not parse the JSON body of your request");
            for (int i = 0; i < CONNECTIONS_AFTER; i++) {
                String good = exchange(GOOD);
                assertThat(good).as("a body after " + bad).startsWith("HTTP/1.1 200");
                assertThat(good.substring(good.indexOf("\"choices\""))).as("a body after " + bad).isEqualTo(answer);
            }
        }
    }

    /** Sends a chat request with {@code body} on a new connection and reads its whole answer. */
    private String exchange(String body) throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), h.gateway.port())) {
            client.setSoTimeout(20_000);
            return exchange(client, body);
        }
    }

    private static String exchange(Socket client, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = client.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        InputStream in = client.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("an answer").isNotNegative();
            head.write(b);
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        int at = headText.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
        assertThat(at).as(headText).isNotNegative();
        int length = Integer.parseInt(headText.substring(at + 15, headText.indexOf("\r\n", at)).trim());
        byte[] answer = in.readNBytes(length);
        return headText + new String(answer, StandardCharsets.UTF_8);
    }
}
