package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.SecretRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.http.FormattedHeader;
import org.apache.hc.core5.http.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The request heads a provider's client sends, byte for byte (header order aside), on both clients: the call without
 * waiting ({@link HttpProviderClient#postJsonAsync}), the plain call and the streamed one. The headers are made once
 * per client and per target, so these pin that every request still carries each of them, with its value, and nothing
 * else.
 */
@Timeout(60)
class RequestHeadTest {

    private static final String KEY = "sk-test-head-key-not-real";
    private static final BodyWriter BODY = g -> {
        g.writeStartObject();
        g.writeStringField("input", "hello");
        g.writeEndObject();
    };
    private static final int BODY_LENGTH = "{\"input\":\"hello\"}".length();
    private static final ResponseReader<String> FIELD_A = (body, headers) -> {
        String a = null;
        for (String name = body.nextFieldName(); name != null; name = body.nextFieldName()) {
            body.nextToken();
            a = body.getText();
        }
        return a;
    };

    private final HttpTransport transport = HttpTransport.create();
    private final ScriptedHttpServer server;

    RequestHeadTest() throws IOException {
        server = new ScriptedHttpServer((requestLine, out, s) -> {
            ScriptedHttpServer.writeResponse(out, 200, "application/json", "{\"a\":\"ok\"}");
            return true;
        });
    }

    @AfterEach
    void close() throws IOException {
        server.close();
        transport.close();
    }

    private HttpProviderClient client(Map<String, String> configured, SecretRegistry secrets) {
        ProviderSettings settings = ProviderSettings.builder("test-provider", "openai").apiKey(KEY).headers(configured)
                .build();
        return HttpProviderClient.create(settings, new ProviderContext(transport, Clock.systemUTC(), secrets),
                Map.of("Authorization", "Bearer " + KEY), StandardErrorMapper.INSTANCE);
    }

    private URI uri() {
        return URI.create(server.baseUrl() + "/v1/chat/completions");
    }

    private String host() {
        return server.baseUrl().substring("http://".length());
    }

    /** The last request's head as its request line and its header lines, sorted. */
    private List<String> lastHead() {
        List<String> heads = server.heads();
        List<String> lines = List.of(heads.get(heads.size() - 1).split("\r\n"));
        return java.util.stream.Stream.concat(lines.stream().limit(1), lines.stream().skip(1).sorted()).toList();
    }

    /** The head of a POST to {@link #uri()}: its request line, then {@code headers} sorted. */
    private List<String> head(String... headers) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of("POST /v1/chat/completions HTTP/1.1"),
                java.util.stream.Stream.of(headers).sorted()).toList();
    }

    private List<String> usualHead(String accept) {
        return head("Accept-Encoding: gzip, x-gzip, deflate", "Accept: " + accept, "Authorization: Bearer " + KEY,
                "Connection: keep-alive", "Content-Length: " + BODY_LENGTH, "Content-Type: application/json; charset=UTF-8",
                "Host: " + host(), "OpenAI-Organization: org-example", "User-Agent: switchboard", "X-Configured: yes");
    }

    private HttpProviderClient usualClient() {
        return client(Map.of("X-Configured", "yes", "OpenAI-Organization", "org-example"), SecretRegistry.create());
    }

    @Test
    void theCallWithoutWaitingSendsTheSameHeadEveryTime() throws Exception {
        // given
        HttpProviderClient client = usualClient();

        for (int i = 0; i < 3; i++) {
            // when
            String a = client.postJsonAsync(uri(), Map.of(), BODY, FIELD_A).get(30, TimeUnit.SECONDS);

            // then
            assertThat(a).isEqualTo("ok");
            assertThat(lastHead()).isEqualTo(usualHead("application/json"));
        }
    }

    @Test
    void thePlainAndTheStreamedCallSendTheSameHeadsAsTheCallWithoutWaiting() throws Exception {
        // given
        HttpProviderClient client = usualClient();

        // when, then
        for (int i = 0; i < 2; i++) {
            assertThat(client.postJson(uri(), Map.of(), BODY, FIELD_A)).isEqualTo("ok");
            assertThat(lastHead()).isEqualTo(usualHead("application/json"));
        }
        try (StreamingResponse ignored = client.openPost(uri(), Map.of(), BODY, "text/event-stream")) {
            assertThat(lastHead()).isEqualTo(usualHead("text/event-stream"));
        }
    }

    @Test
    void configuredAndCallHeadersReplaceTheClientsOwnOfTheSameNameOnBothClients() throws Exception {
        // given: configured headers named as the client's own, and a call's extra headers
        HttpProviderClient client = client(Map.of("User-Agent", "my-app/1.0", "Accept", "application/x-ndjson",
                "Connection", "close", "Content-Type", "application/json"), SecretRegistry.create());
        Map<String, String> extra = Map.of("X-Extra", "1", "Accept-Encoding", "identity");
        List<String> expected = head("Accept-Encoding: identity", "Accept: application/x-ndjson",
                "Authorization: Bearer " + KEY, "Connection: close", "Content-Length: " + BODY_LENGTH,
                "Content-Type: application/json", "Host: " + host(), "User-Agent: my-app/1.0", "X-Extra: 1");

        // when, then
        assertThat(client.postJsonAsync(uri(), extra, BODY, FIELD_A).get(30, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(lastHead()).isEqualTo(expected);
        assertThat(client.postJson(uri(), extra, BODY, FIELD_A)).isEqualTo("ok");
        assertThat(lastHead()).isEqualTo(expected);
    }

    @Test
    void aCredentialHeaderPrintsMaskedAndGoesOnTheWireWhole() {
        // given: how HttpClient's header log prints a request header, and how HttpCore's head writers write one
        Header fixed = CredentialHeader.formatted("Authorization", "Bearer " + KEY);
        Header perCall = new CredentialHeader("Authorization", "Bearer " + KEY);

        // then
        for (Header h : List.of(fixed, perCall)) {
            assertThat(h.toString()).isEqualTo("Authorization: " + SecretRegistry.MASK);
            assertThat(h.getValue()).isEqualTo("Bearer " + KEY);
            assertThat(h.isSensitive()).isTrue();
        }
        assertThat(fixed).isInstanceOf(FormattedHeader.class);
        assertThat(((FormattedHeader) fixed).getBuffer().toString()).isEqualTo("Authorization: Bearer " + KEY);
    }
}
