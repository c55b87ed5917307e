package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code switchboard.gateway.stream-error}: a stream that fails after it started (here with
 * {@code stream-failover = fail}) ends with the endpoint's error event, then either its normal end ({@code event},
 * the default: the terminating chunk) or, with {@code event-and-abort}, the connection closed without it, so that a
 * client which ignores error events still sees a failure. Read with a raw socket (the framing as sent) and with
 * java.net.http (a client that knows nothing of error events), for chat, responses and messages.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamErrorAbortTest {

    private static final String CHUNK = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},"
            + "\"finish_reason\":null}]}\n\n";
    /** OpenAI's error event in the middle of a stream. */
    private static final String ERROR = "data: {\"error\": {\"message\": \"The server had an error while processing"
            + " your request.\", \"type\": \"server_error\", \"param\": null, \"code\": null}}\n\n";
    private static final String TERMINATING_CHUNK = "0\r\n\r\n";

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private void start(String streamError) {
        h = GatewayHarness.start("routes.strict { targets = [ primary ], stream-failover = fail }\n" + streamError);
        h.upstream.stubFor(post("/primary/v1/chat/completions").willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream").withBody(CHUNK + ERROR)));
    }

    private enum Api {
        CHAT("/v1/chat/completions", "{\"model\":\"strict\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}]}", "data: {\"error\":{"),
        RESPONSES("/v1/responses", "{\"model\":\"strict\",\"stream\":true,\"input\":\"Hi\"}",
                "event: response.failed"),
        MESSAGES("/v1/messages", "{\"model\":\"strict\",\"stream\":true,\"max_tokens\":100,\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"Hi\"}]}", "event: error");

        final String path;
        final String body;
        final String errorEvent;

        Api(String path, String body, String errorEvent) {
            this.path = path;
            this.body = body;
            this.errorEvent = errorEvent;
        }

        String request() {
            return "POST " + path + " HTTP/1.1\r\nHost: gateway\r\ncontent-type: application/json\r\ncontent-length: "
                    + body.length() + "\r\n\r\n" + body;
        }
    }

    /** The answer's head, then everything sent until the connection closed. */
    private String raw(Api api, RawClient c) throws IOException {
        c.send(api.request());
        RawClient.Answer head = c.readHead();
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("transfer-encoding")).isEqualTo("chunked");
        return c.readToEnd();
    }

    @Test
    void withEventAndAbortTheErrorEventIsFollowedByTheConnectionsEndNotTheBodys() throws Exception {
        start("gateway.stream-error = event-and-abort");

        for (Api api : Api.values()) {
            try (RawClient c = new RawClient(h.gateway.port())) {
                String rest = raw(api, c);

                assertThat(rest).as(api.name()).contains("Hel").contains(api.errorEvent);
                assertThat(rest).as(api.name()).doesNotEndWith(TERMINATING_CHUNK).doesNotContain("\r\n" + TERMINATING_CHUNK);
            }
        }
    }

    @Test
    void withEventTheDefaultTheBodyEndsNormallyAfterTheErrorEvent() throws Exception {
        start("");

        for (Api api : Api.values()) {
            try (RawClient c = new RawClient(h.gateway.port())) {
                c.send(api.request());
                RawClient.Answer a = c.read(); // follows the chunks up to the terminating one

                assertThat(a.status()).isEqualTo(200);
                assertThat(a.body()).as(api.name()).contains("Hel").contains(api.errorEvent);
            }
        }
    }

    private HttpResponse<String> plainClient(Api api) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.gateway.port() + api.path))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(api.body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aClientThatIgnoresErrorEventsSeesTheFailureOnlyWithEventAndAbort() throws Exception {
        start("gateway.stream-error = event-and-abort");
        for (Api api : Api.values()) {
            Throwable t = catchThrowable(() -> plainClient(api));

            assertThat(t).as(api.name()).isInstanceOf(IOException.class);
        }
        h.close();

        start("");
        for (Api api : Api.values()) {
            HttpResponse<String> r = plainClient(api);

            assertThat(r.statusCode()).as(api.name()).isEqualTo(200); // looks whole unless the events are read
        }
    }

    @Test
    void aConnectionEndedThatWayServesNoMoreButTheGatewayServesOn() throws Exception {
        start("gateway.stream-error = event-and-abort");

        try (RawClient c = new RawClient(h.gateway.port())) {
            raw(Api.CHAT, c);
        }

        assertThat(h.http("GET", "/health", null).statusCode()).isEqualTo(200);
        assertThat(h.http("GET", "/health", null).body()).contains("\"exchange_failures\":0");
    }

    @Test
    void anUnknownModeIsAConfigErrorNamingTheKey() {
        Throwable t = catchThrowable(() -> GatewayConfig.from(com.typesafe.config.ConfigFactory.parseString(
                "switchboard.gateway.stream-error = abort", com.typesafe.config.ConfigParseOptions.defaults()
                        .setOriginDescription("switchboard.conf"))));

        assertThat(t).hasMessage("switchboard.conf:1: switchboard.gateway.stream-error: 'abort' is not a way to end a"
                + " failed stream; write event or event-and-abort");
    }

    // ------------------------------------------------------------------ clients that read only what they understand

    /** How LangChain4j's streaming OpenAI model ended a call: its complete response, or its error. */
    private record Ending(dev.langchain4j.model.chat.response.ChatResponse complete, Throwable error, String partial) {
    }

    private Ending langChain4j() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(h.gateway.baseUrl().toString())
                .apiKey(GatewayHarness.KEY).modelName("strict").timeout(Duration.ofSeconds(20)).build();
        CompletableFuture<Ending> ended = new CompletableFuture<>();
        StringBuilder partial = new StringBuilder();
        model.chat("Hi", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                partial.append(text);
            }

            @Override
            public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse response) {
                ended.complete(new Ending(response, null, partial.toString()));
            }

            @Override
            public void onError(Throwable error) {
                ended.complete(new Ending(null, error, partial.toString()));
            }
        });
        return ended.get(30, TimeUnit.SECONDS); // a hang guard: either callback comes at once
    }

    @Test
    void langChain4jTakesTheCutAnswerForAWholeOneWithEventAndSeesTheErrorWithEventAndAbort() throws Exception {
        start("");
        Ending withEvent = langChain4j();
        h.close();
        start("gateway.stream-error = event-and-abort");
        Ending withAbort = langChain4j();

        // the case: LangChain4j 1.19 ignores the error chunk and reports the cut answer complete
        assertThat(withEvent.error()).isNull();
        assertThat(withEvent.complete().aiMessage().text()).isEqualTo("Hel");
        assertThat(withEvent.complete().finishReason()).isNull();
        // with event-and-abort the connection's end is a failure it reports
        assertThat(withAbort.complete()).isNull();
        assertThat(withAbort.error()).isNotNull();
        assertThat(withAbort.partial()).isEqualTo("Hel");
    }

    @Test
    void openAiJavaSeesAnExceptionWithEventAndAbort() {
        start("gateway.stream-error = event-and-abort");
        StringBuilder chatText = new StringBuilder();
        StringBuilder responseText = new StringBuilder();

        Throwable chat = catchThrowable(() -> {
            try (var s = h.client().chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                    .model("strict").addUserMessage("Hi").build())) {
                s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(chatText::append)));
            }
        });
        Throwable responses = catchThrowable(() -> {
            try (var s = h.client().responses().createStreaming(ResponseCreateParams.builder().model("strict")
                    .input("Hi").build())) {
                s.stream().forEach(e -> e.outputTextDelta().ifPresent(d -> responseText.append(d.delta())));
            }
        });

        assertThat(chat).isInstanceOf(com.openai.errors.OpenAIException.class);
        assertThat(chatText.toString()).isEqualTo("Hel");
        assertThat(responses).isInstanceOf(com.openai.errors.OpenAIException.class);
        assertThat(responseText.toString()).isEqualTo("Hel");
    }
}
