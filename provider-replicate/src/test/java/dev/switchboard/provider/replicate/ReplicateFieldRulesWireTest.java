package dev.switchboard.provider.replicate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.replicate.ReplicateTestSupport.CREATE;
import static dev.switchboard.provider.replicate.ReplicateTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
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
 * OpenAI-only fields a gateway client sent (they arrive as provider parameters) go into a prediction's input only
 * where a language model takes them (the penalties); the others are left out, or with unsupported-params = reject
 * refused as UNSUPPORTED before sending.
 */
@Timeout(30)
class ReplicateFieldRulesWireTest {

    @RegisterExtension
    static final WireMockExtension server = ReplicateTestSupport.wireMock();

    private static HttpTransport transport;

    @BeforeAll
    static void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    static void closeTransport() {
        transport.close();
    }

    private static ReplicateProvider provider(String config) {
        Map<String, Object> options = ConfigFactory.parseString(config).withFallback(ReplicateTestSupport.DEFAULTS)
                .root().unwrapped();
        return ReplicateTestSupport.provider(ReplicateTestSupport.settings(server).options(options).build(), transport,
                new ReplicateTestSupport.FakeTime());
    }

    private static Object json(String text) {
        return Json.parse(text, "parameter");
    }

    @Test
    void openAiOnlyFieldsFromTheGatewayReachTheInputOnlyWhereAModelTakesThem() {
        server.stubFor(post(urlPathEqualTo(CREATE)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(fixture("prediction-succeeded.json", server))));

        // what the gateway's OpenAI codec passes on from a client's body (its unknown fields become provider parameters)
        provider("").chat(ChatRequest.builder().user("Hi")
                .providerParameter("user", json("\"user-1234\""))
                .providerParameter("store", json("true"))
                .providerParameter("metadata", json("{\"session\": \"s1\"}"))
                .providerParameter("parallel_tool_calls", json("false"))
                .providerParameter("logprobs", json("true"))
                .providerParameter("frequency_penalty", json("0.5"))
                .providerParameter("presence_penalty", json("0.25"))
                .providerParameter("top_k", json("50"))
                .build());

        JsonNode input = Json.parse(server.findAll(postRequestedFor(urlPathEqualTo(CREATE))).get(0).getBodyAsString(),
                "create body").get("input");
        assertThat(input.get("frequency_penalty").asDouble()).isEqualTo(0.5);
        assertThat(input.get("presence_penalty").asDouble()).isEqualTo(0.25);
        assertThat(input.get("top_k").asInt()).isEqualTo(50);
        for (String dropped : List.of("user", "store", "metadata", "parallel_tool_calls", "logprobs")) {
            assertThat(input.has(dropped)).as(dropped).isFalse();
        }
    }

    @Test
    void rejectRefusesAFieldWithoutEquivalentBeforeSendingAsUnsupported() {
        ReplicateProvider provider = provider("unsupported-params = reject");

        LlmException chat = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.builder()
                .user("Hi").providerParameter("metadata", Map.of("session", "s1")).build()));
        LlmException stream = catchThrowableOfType(LlmException.class, () -> provider.stream(ChatRequest.builder()
                .user("Hi").providerParameter("logprobs", true).build()));

        assertThat(chat.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(chat.getMessage()).contains("metadata").contains("unsupported-params");
        assertThat(stream.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(stream.getMessage()).contains("logprobs");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aBadUnsupportedParamsValueNamesTheKey() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> provider("unsupported-params = keep"));

        assertThat(e.getMessage()).contains("switchboard.providers.").contains(".unsupported-params").contains("keep");
    }
}
