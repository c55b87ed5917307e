package dev.switchboard.provider.groq;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.groq.GroqTestSupport.CHAT;
import static dev.switchboard.provider.groq.GroqTestSupport.KEY;
import static dev.switchboard.provider.groq.GroqTestSupport.NAME;
import static dev.switchboard.provider.groq.GroqTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.testkit.ErrorMappingTest;
import dev.switchboard.testkit.Sse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Groq's documented errors, a malformed body and a cut stream, each mapped to the kind a route decides on. */
class GroqErrorWireTest extends ErrorMappingTest {

    @RegisterExtension
    static final WireMockExtension server = GroqTestSupport.wireMock();

    private static final Map<String, String> NONE = Map.of();

    GroqErrorWireTest() {
        super(NAME, KEY);
    }

    @Override
    protected Stream<DocumentedError> documentedErrors() {
        return Stream.of(
                new DocumentedError("401-invalid-api-key.json", 401, NONE, ErrorKind.AUTHENTICATION, null),
                new DocumentedError("404-model-not-found.json", 404, NONE, ErrorKind.MODEL_NOT_FOUND, null),
                // Groq sends retry-after (seconds) on 429, and the x-ratelimit-* headers on every response.
                new DocumentedError("429-rate-limit-exceeded.json", 429, Map.of("retry-after", "2", "x-ratelimit-remaining-tokens", "0",
                        "x-ratelimit-reset-tokens", "7.66s"), ErrorKind.RATE_LIMIT, Duration.ofSeconds(2)),
                // Without the header, the body's "Please try again in 16.239999999s" is the hint (to the nanosecond a double keeps).
                new DocumentedError("429-rate-limit-exceeded.json", 429, NONE, ErrorKind.RATE_LIMIT, Duration.ofNanos(16_239_999_998L)),
                // A request above the whole per-minute budget is a 413 with the rate-limit code, not a context overflow.
                new DocumentedError("413-request-too-large-tpm.json", 413, NONE, ErrorKind.RATE_LIMIT, null),
                new DocumentedError("500-internal-server-error.json", 500, NONE, ErrorKind.SERVER, null),
                new DocumentedError("503-service-unavailable.json", 503, Map.of("retry-after", "5"), ErrorKind.OVERLOADED, Duration.ofSeconds(5)));
    }

    @Override
    protected LlmProvider provider() {
        return GroqTestSupport.provider(server, transport());
    }

    @Override
    protected void stubChat(ResponseDefinitionBuilder answer) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(answer));
    }

    @Override
    protected String errorBody(String fixture) {
        return fixture("errors/" + fixture);
    }

    @Test
    void theMessageKeepsGroqsCodeAndText() {
        stubChat(errorResponse(new DocumentedError("404-model-not-found.json", 404, NONE, ErrorKind.MODEL_NOT_FOUND, null)));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e.code()).hasValue("model_not_found");
        assertThat(e.getMessage()).isEqualTo(NAME + ": HTTP 404 model_not_found: The model `compound-beta-min` does not exist "
                + "or you do not have access to it.");
    }

    @Test
    void anErrorOfTheModelListMapsTheSameWay() {
        server.stubFor(get(urlPathEqualTo("/openai/v1/models")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody(fixture("errors/401-invalid-api-key.json"))));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().listModels());

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(e.getMessage()).contains("Invalid API Key");
    }

    @Test
    void aSuccessfulStatusWithABodyThatIsNotJsonIsAServerFailure() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"chatcmpl-f51b2cd2\",\"choices\":[{\"index\"")));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.getMessage()).contains("not valid JSON").doesNotContain("\n");
    }

    @Test
    void aRecordedStreamCutBeforeItsEndFailsAsInterruptedAfterTheTextItCarried() {
        String recorded = fixture("chat-stream-text.sse");
        String cut = recorded.substring(0, recorded.indexOf("data: ", recorded.indexOf("\" holiday\"")));
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(cut)));

        List<ChatEvent> events = new ArrayList<>();
        LlmException e;
        try (ChatStream stream = provider().stream(ChatRequest.of("Invent a holiday"))) {
            e = catchThrowableOfType(LlmException.class, () -> stream.forEachRemaining(events::add));
        }

        assertThat(events).contains(new ChatEvent.TextDelta(" holiday"));
        assertThat(events).noneMatch(ChatEvent.Finished.class::isInstance);
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
    }

    @Test
    void aConnectionResetMidStreamFailsAsInterrupted() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().stream(ChatRequest.of("Hello!")).collect());

        assertThat(e).isNotNull();
        assertThat(e.kind()).isIn(ErrorKind.CONNECTION, ErrorKind.STREAM_INTERRUPTED);
        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(KEY);
    }

    @Test
    void aSuccessfulEmptyModelListIsReadAsNoModels() {
        server.stubFor(get(urlPathEqualTo("/openai/v1/models")).willReturn(okJson("{\"object\":\"list\",\"data\":[]}")));

        assertThat(provider().listModels()).isEmpty();
    }
}
