package dev.switchboard.provider.cohere;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.cohere.CohereTestSupport.CHAT;
import static dev.switchboard.provider.cohere.CohereTestSupport.fixture;
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
import dev.switchboard.spi.ProviderContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenAI-only fields a gateway client sent (they arrive as provider parameters) are sent where v2 chat defines them
 * and left out otherwise; with unsupported-params = reject they are refused as UNSUPPORTED before sending. The
 * spec-checked server fails any body with a field Cohere's OpenAPI document does not define.
 */
@Timeout(30)
class CohereFieldRulesWireTest {

    @RegisterExtension
    static final WireMockExtension server = CohereTestSupport.wireMock();

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
        Map<String, Object> options = ConfigFactory.parseString(config).withFallback(CohereTestSupport.DEFAULTS)
                .root().unwrapped();
        return new CohereProviderFactory().create(CohereTestSupport.settings(server).options(options).build(),
                ProviderContext.of(transport));
    }

    private static JsonNode sent(LlmProvider provider, ChatRequest request) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("chat-response.json"))));
        provider.chat(request);
        return CohereTestSupport.onlyRequestBody(server);
    }

    private static Object json(String text) {
        return Json.parse(text, "parameter");
    }

    @Test
    void openAiOnlyFieldsFromTheGatewayAreSentWhereV2DefinesThemAndDroppedOtherwise() {
        // what the gateway's OpenAI codec passes on from a client's body (its unknown fields become provider parameters)
        JsonNode body = sent(provider(""), ChatRequest.builder().user("Hi")
                .providerParameter("user", json("\"user-1234\""))
                .providerParameter("store", json("true"))
                .providerParameter("metadata", json("{\"session\": \"s1\"}"))
                .providerParameter("parallel_tool_calls", json("false"))
                .providerParameter("top_logprobs", json("2"))
                .providerParameter("logprobs", json("true"))
                .providerParameter("frequency_penalty", json("0.5"))
                .providerParameter("presence_penalty", json("0.25"))
                .providerParameter("k", json("40"))
                .build());

        assertThat(body.get("frequency_penalty").asDouble()).isEqualTo(0.5);
        assertThat(body.get("presence_penalty").asDouble()).isEqualTo(0.25);
        assertThat(body.get("logprobs").asBoolean()).isTrue();
        assertThat(body.get("k").asInt()).isEqualTo(40);
        for (String dropped : List.of("user", "store", "metadata", "parallel_tool_calls", "top_logprobs")) {
            assertThat(body.has(dropped)).as(dropped).isFalse();
        }
    }

    @Test
    void rejectRefusesAFieldWithoutEquivalentBeforeSendingAsUnsupported() {
        LlmProvider provider = provider("unsupported-params = reject");

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.builder()
                .user("Hi").providerParameter("parallel_tool_calls", false).build()));
        JsonNode taken = sent(provider, ChatRequest.builder().user("Hi").providerParameter("frequency_penalty", 0.5)
                .build());

        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(e.getMessage()).contains("parallel_tool_calls").contains("unsupported-params");
        assertThat(taken.get("frequency_penalty").asDouble()).isEqualTo(0.5);
        assertThat(server.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    }

    @Test
    void aBadUnsupportedParamsValueNamesTheKey() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> provider("unsupported-params = keep"));

        assertThat(e.getMessage()).contains("switchboard.providers.").contains(".unsupported-params").contains("keep");
    }
}
