package dev.switchboard.provider.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.gemini.GeminiTestSupport.GENERATE;
import static dev.switchboard.provider.gemini.GeminiTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
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
 * OpenAI-only fields a gateway client sent (they arrive as provider parameters) are mapped to generationConfig's
 * equivalents or left out; with unsupported-params = reject they are refused as UNSUPPORTED before sending. The
 * spec-checked server fails any body with a field the v1beta proto does not define.
 */
@Timeout(30)
class GeminiFieldRulesWireTest {

    @RegisterExtension
    static final WireMockExtension server = GeminiTestSupport.wireMock();

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
        Map<String, Object> options = ConfigFactory.parseString(config).withFallback(GeminiTestSupport.DEFAULTS)
                .root().unwrapped();
        return GeminiTestSupport.provider(GeminiTestSupport.settings(server).options(options).build(), transport);
    }

    private static JsonNode sent(LlmProvider provider, ChatRequest request) {
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(okJson(fixture("generate-content.json"))));
        provider.chat(request);
        return GeminiTestSupport.onlyRequestBody(server);
    }

    private static Object json(String text) {
        return Json.parse(text, "parameter");
    }

    @Test
    void openAiOnlyFieldsFromTheGatewayAreMappedOrDropped() {
        // what the gateway's OpenAI codec passes on from a client's body (its unknown fields become provider parameters)
        JsonNode body = sent(provider(""), ChatRequest.builder().user("Hi")
                .providerParameter("user", json("\"user-1234\""))
                .providerParameter("store", json("true"))
                .providerParameter("metadata", json("{\"session\": \"s1\"}"))
                .providerParameter("parallel_tool_calls", json("false"))
                .providerParameter("logprobs", json("true"))
                .providerParameter("frequency_penalty", json("0.5"))
                .providerParameter("presence_penalty", json("0.25"))
                .providerParameter("topK", json("40"))
                .build());

        assertThat(body.at("/generationConfig/frequencyPenalty").asDouble()).isEqualTo(0.5);
        assertThat(body.at("/generationConfig/presencePenalty").asDouble()).isEqualTo(0.25);
        assertThat(body.at("/generationConfig/topK").asInt()).isEqualTo(40);
        assertThat(body.at("/generationConfig").has("logprobs")).isFalse();
        for (String dropped : List.of("user", "store", "metadata", "parallel_tool_calls", "logprobs",
                "frequency_penalty", "presence_penalty")) {
            assertThat(body.has(dropped)).as(dropped).isFalse();
        }
    }

    @Test
    void geminisOwnFieldsWinAndItsNumberLogprobsPasses() {
        JsonNode body = sent(provider(""), ChatRequest.builder().user("Hi")
                .providerParameter("frequency_penalty", json("0.5"))
                .providerParameter("frequencyPenalty", json("0.1"))
                .providerParameter("responseLogprobs", json("true"))
                .providerParameter("logprobs", json("3"))
                .build());

        assertThat(body.at("/generationConfig/frequencyPenalty").asDouble()).isEqualTo(0.1);
        assertThat(body.at("/generationConfig/logprobs").asInt()).isEqualTo(3);
        assertThat(body.at("/generationConfig/responseLogprobs").asBoolean()).isTrue();
    }

    @Test
    void rejectRefusesAFieldWithoutEquivalentBeforeSendingAsUnsupported() {
        LlmProvider provider = provider("unsupported-params = reject");

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.builder()
                .user("Hi").providerParameter("store", true).build()));
        JsonNode mapped = sent(provider, ChatRequest.builder().user("Hi").providerParameter("presence_penalty", 0.5)
                .build());

        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(e.getMessage()).contains("store").contains("unsupported-params");
        assertThat(mapped.at("/generationConfig/presencePenalty").asDouble()).isEqualTo(0.5);
        assertThat(server.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    }

    @Test
    void aBadUnsupportedParamsValueNamesTheKey() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> provider("unsupported-params = keep"));

        assertThat(e.getMessage()).contains("switchboard.providers.").contains(".unsupported-params").contains("keep");
    }
}
