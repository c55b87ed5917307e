package dev.switchboard.provider.together;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.together.TogetherTestSupport.CHAT;
import static dev.switchboard.provider.together.TogetherTestSupport.KEY;
import static dev.switchboard.provider.together.TogetherTestSupport.NAME;
import static dev.switchboard.provider.together.TogetherTestSupport.fixture;
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

/** Together AI's documented errors, a malformed body and a cut stream, each mapped to the kind a route decides on. */
class TogetherErrorWireTest extends ErrorMappingTest {

    @RegisterExtension
    static final WireMockExtension server = TogetherTestSupport.wireMock();

    private static final Map<String, String> NONE = Map.of();

    TogetherErrorWireTest() {
        super(NAME, KEY);
    }

    @Override
    protected Stream<DocumentedError> documentedErrors() {
        return Stream.of(
                new DocumentedError("401-invalid-api-key.json", 401, NONE, ErrorKind.AUTHENTICATION, null),
                new DocumentedError("404-model-not-available.json", 404, NONE, ErrorKind.MODEL_NOT_FOUND, null),
                // A model Together serves only on a dedicated endpoint: the request is fine, another provider may serve it.
                new DocumentedError("400-non-serverless-model.json", 400, NONE, ErrorKind.MODEL_NOT_FOUND, null),
                new DocumentedError("429-rate-limited.json", 429, Map.of("retry-after", "3"), ErrorKind.RATE_LIMIT, Duration.ofSeconds(3)),
                new DocumentedError("429-rate-limited.json", 429, Map.of("retry-after-ms", "750"), ErrorKind.RATE_LIMIT, Duration.ofMillis(750)),
                new DocumentedError("500-server-error.json", 500, NONE, ErrorKind.SERVER, null),
                new DocumentedError("503-overloaded.json", 503, NONE, ErrorKind.OVERLOADED, null));
    }

    @Override
    protected LlmProvider provider() {
        return TogetherTestSupport.provider(server, transport());
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
    void theMessageKeepsTogethersCodeAndText() {
        stubChat(errorResponse(new DocumentedError("404-model-not-available.json", 404, NONE, ErrorKind.MODEL_NOT_FOUND, null)));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e.code()).hasValue("model_not_available");
        assertThat(e.getMessage()).isEqualTo(NAME + ": HTTP 404 model_not_available: Unable to access model "
                + "meta-llama/Llama-9-Instruct-Turbo. Please visit https://api.together.ai/models to view the list of supported models.");
    }

    @Test
    void anErrorOfTheModelListMapsTheSameWay() {
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody(fixture("errors/401-invalid-api-key.json"))));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().listModels());

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(e.getMessage()).contains("Invalid API key provided");
    }

    @Test
    void aSuccessfulStatusWithABodyThatIsNotJsonIsAServerFailure() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"oBUtaEp-62bZhn\",\"choices\":[{\"index\"")));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.getMessage()).contains("not valid JSON").doesNotContain("\n");
    }

    @Test
    void aRecordedStreamCutBeforeItsEndFailsAsInterruptedAfterTheTextItCarried() {
        String recorded = fixture("chat-stream-text.sse");
        String cut = recorded.substring(0, recorded.indexOf("data: ", recorded.indexOf("\" planet\"")));
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(cut)));

        List<ChatEvent> events = new ArrayList<>();
        LlmException e;
        try (ChatStream stream = provider().stream(ChatRequest.of("Which planet has rings?"))) {
            e = catchThrowableOfType(LlmException.class, () -> stream.forEachRemaining(events::add));
        }

        assertThat(events).contains(new ChatEvent.TextDelta(" planet"));
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
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(okJson("[]")));

        assertThat(provider().listModels()).isEmpty();
    }
}
