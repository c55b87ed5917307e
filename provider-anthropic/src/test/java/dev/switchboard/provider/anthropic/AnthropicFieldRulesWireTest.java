package dev.switchboard.provider.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.MESSAGES;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the API version and the model refuse is never sent, and OpenAI-only fields a gateway client sent are mapped
 * or dropped (or, with unsupported-params = reject, refused as UNSUPPORTED before sending).
 */
@Timeout(30)
class AnthropicFieldRulesWireTest {

    @RegisterExtension
    static final WireMockExtension server = AnthropicTestSupport.wireMock();

    private static HttpTransport transport;

    @BeforeAll
    static void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    static void closeTransport() {
        transport.close();
    }

    private static LlmProvider provider(String config) {
        Map<String, Object> options = ConfigFactory.parseString(config).withFallback(AnthropicTestSupport.DEFAULTS)
                .root().unwrapped();
        return AnthropicTestSupport.provider(AnthropicTestSupport.settings(AnthropicTestSupport.baseUrl(server))
                .options(options).build(), transport);
    }

    private static JsonNode sent(LlmProvider provider, ChatRequest request) {
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(okJson(fixture("message-final-answer.json"))));
        provider.chat(request);
        List<LoggedRequest> requests = server.findAll(postRequestedFor(urlEqualTo(MESSAGES)));
        return Json.parse(requests.get(requests.size() - 1).getBodyAsString(), "request body");
    }

    @Test
    void version20261021GetsNeitherTemperatureNorTopP() {
        JsonNode body = sent(provider("anthropic-version = \"2026-10-21\""),
                ChatRequest.builder().user("Hi").temperature(0.2).topP(0.9).providerParameter("top_p", 0.5).build());

        assertThat(body.has("temperature")).isFalse();
        assertThat(body.has("top_p")).isFalse();
        server.verify(postRequestedFor(urlEqualTo(MESSAGES)).withHeader("anthropic-version", equalTo("2026-10-21")));
    }

    @Test
    void theDefaultVersionSendsSamplingToAModelThatTakesIt() {
        JsonNode body = sent(provider(""), ChatRequest.builder().model("claude-opus-4-6").user("Hi").temperature(0.2)
                .topP(0.9).build());

        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        server.verify(postRequestedFor(urlEqualTo(MESSAGES)).withHeader("anthropic-version", equalTo("2023-06-01")));
    }

    @Test
    void aModelAfterOpus46GetsOnlyTheSamplingItTakes() {
        JsonNode refused = sent(provider(""), ChatRequest.builder().model("claude-opus-4-7").user("Hi").temperature(0.2)
                .topP(0.5).build());
        JsonNode taken = sent(provider(""), ChatRequest.builder().model("claude-sonnet-5").user("Hi").temperature(1.0)
                .topP(0.99).build());

        assertThat(refused.has("temperature")).isFalse();
        assertThat(refused.has("top_p")).isFalse();
        assertThat(taken.get("temperature").asDouble()).isEqualTo(1.0);
        assertThat(taken.get("top_p").asDouble()).isEqualTo(0.99);
    }

    @Test
    void modelGenerationsAreReadFromTheirIds() {
        assertThat(AnthropicFieldPlan.samplingFixed("claude-opus-4-7")).isTrue();
        assertThat(AnthropicFieldPlan.samplingFixed("claude-fable-5-1")).isTrue();
        assertThat(AnthropicFieldPlan.samplingFixed("claude-opus-4-6")).isFalse();
        assertThat(AnthropicFieldPlan.samplingFixed("claude-haiku-4-5-20251001")).isFalse();
        assertThat(AnthropicFieldPlan.samplingFixed("claude-opus-4-20250514")).isFalse();
        assertThat(AnthropicFieldPlan.samplingFixed("claude-3-5-sonnet-20241022")).isFalse();
        assertThat(AnthropicFieldPlan.samplingFixed("my-fine-tune")).isFalse();
    }

    @Test
    void openAiOnlyFieldsFromTheGatewayAreMappedOrDropped() {
        // what OpenAiServerCodec passes on from a client's body (its unknown fields become provider parameters)
        JsonNode body = sent(provider(""), ChatRequest.builder().user("Weather?")
                .addTool(AnthropicRequestWireTest.WEATHER)
                .providerParameter("user", Json.parse("\"user-1234\"", "p"))
                .providerParameter("parallel_tool_calls", Json.parse("false", "p"))
                .providerParameter("store", Json.parse("true", "p"))
                .providerParameter("metadata", Json.parse("{\"session\": \"s1\"}", "p"))
                .providerParameter("logprobs", Json.parse("true", "p"))
                .providerParameter("frequency_penalty", Json.parse("0.5", "p"))
                .providerParameter("top_k", Json.parse("40", "p"))
                .build());

        assertThat(body.at("/metadata/user_id").asText()).isEqualTo("user-1234");
        assertThat(body.at("/metadata").size()).isEqualTo(1);
        assertThat(body.at("/tool_choice/type").asText()).isEqualTo("auto");
        assertThat(body.at("/tool_choice/disable_parallel_tool_use").asBoolean()).isTrue();
        assertThat(body.get("top_k").asInt()).isEqualTo(40);
        for (String dropped : List.of("user", "parallel_tool_calls", "store", "logprobs", "frequency_penalty")) {
            assertThat(body.has(dropped)).as(dropped).isFalse();
        }
    }

    @Test
    void anthropicsOwnMetadataPassesAsIs() {
        JsonNode body = sent(provider(""), ChatRequest.builder().user("Hi")
                .providerParameter("metadata", Map.of("user_id", "u-9")).build());

        assertThat(body.at("/metadata/user_id").asText()).isEqualTo("u-9");
    }

    @Test
    void rejectRefusesAnUnsupportedFieldBeforeSendingAsUnsupported() {
        LlmProvider provider = provider("unsupported-params = reject");

        LlmException openAiOnly = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.builder()
                .user("Hi").providerParameter("frequency_penalty", 0.5).build()));
        LlmException sampling = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.builder()
                .model("claude-opus-4-7").user("Hi").temperature(0.3).build()));

        assertThat(openAiOnly.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(openAiOnly.getMessage()).contains("frequency_penalty").contains("unsupported-params");
        assertThat(sampling.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(sampling.getMessage()).contains("temperature 0.3").contains("claude-opus-4-7");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aBadUnsupportedParamsValueNamesTheKey() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class, () -> provider("unsupported-params = keep"));

        assertThat(e.getMessage()).contains("switchboard.providers.").contains(".unsupported-params").contains("keep");
    }
}
