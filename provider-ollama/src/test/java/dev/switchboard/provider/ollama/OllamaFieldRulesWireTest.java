package dev.switchboard.provider.ollama;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.ollama.OllamaTestSupport.CHAT;
import static dev.switchboard.provider.ollama.OllamaTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenAI-only fields a gateway client sent (they arrive as provider parameters) are sent where {@code /api/chat}
 * defines them and left out otherwise; with unsupported-params = reject they are refused as UNSUPPORTED before
 * sending. The spec-checked server fails any body with a field Ollama's API reference does not define.
 */
@Timeout(30)
class OllamaFieldRulesWireTest {

    @RegisterExtension
    static final WireMockExtension server = OllamaTestSupport.wireMock();

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
        return OllamaTestSupport.provider(OllamaTestSupport.settings(OllamaTestSupport.baseUrl(server), config).build(),
                transport);
    }

    private static JsonNode sent(LlmProvider provider, ChatRequest request) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("chat.json"))));
        provider.chat(request);
        List<LoggedRequest> requests = server.findAll(anyRequestedFor(anyUrl()));
        return Json.parse(requests.get(requests.size() - 1).getBodyAsString(), "request body");
    }

    private static Object json(String text) {
        return Json.parse(text, "parameter");
    }

    @Test
    void openAiOnlyFieldsFromTheGatewayAreSentWhereTheChatApiDefinesThemAndDroppedOtherwise() {
        // what the gateway's OpenAI codec passes on from a client's body (its unknown fields become provider parameters)
        JsonNode body = sent(provider(""), ChatRequest.builder().user("Hi")
                .providerParameter("user", json("\"user-1234\""))
                .providerParameter("store", json("true"))
                .providerParameter("metadata", json("{\"session\": \"s1\"}"))
                .providerParameter("parallel_tool_calls", json("false"))
                .providerParameter("logit_bias", json("{\"50256\": -100}"))
                .providerParameter("logprobs", json("true"))
                .providerParameter("top_logprobs", json("2"))
                .providerParameter("frequency_penalty", json("0.5"))
                .providerParameter("presence_penalty", json("0.25"))
                .build());

        assertThat(body.at("/options/frequency_penalty").asDouble()).isEqualTo(0.5);
        assertThat(body.at("/options/presence_penalty").asDouble()).isEqualTo(0.25);
        assertThat(body.get("logprobs").asBoolean()).isTrue();
        assertThat(body.get("top_logprobs").asInt()).isEqualTo(2);
        for (String dropped : List.of("user", "store", "metadata", "parallel_tool_calls", "logit_bias",
                "frequency_penalty", "presence_penalty")) {
            assertThat(body.has(dropped)).as(dropped).isFalse();
        }
    }

    @Test
    void rejectRefusesAFieldWithoutEquivalentBeforeSendingAsUnsupported() {
        LlmProvider provider = provider("unsupported-params = reject");

        LlmException chat = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.builder()
                .user("Hi").providerParameter("user", "u-1").build()));
        LlmException stream = catchThrowableOfType(LlmException.class, () -> provider.stream(ChatRequest.builder()
                .user("Hi").providerParameter("store", true).build()));

        assertThat(chat.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(chat.getMessage()).contains("user").contains("unsupported-params");
        assertThat(stream.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(stream.getMessage()).contains("store");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aBadUnsupportedParamsValueNamesTheKey() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> provider("unsupported-params = keep"));

        assertThat(e.getMessage()).contains("switchboard.providers.").contains(".unsupported-params").contains("keep");
    }
}
