package dev.switchboard.spring.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.testkit.Fixtures;
import dev.switchboard.testkit.Sse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.annotation.Tool;

/**
 * What only the Spring AI bridge has to show, over a Switchboard route of two OpenAI-type providers on a local stub:
 * the options it maps, cancelling a {@code Flux}, a streamed tool call run and streamed on, embeddings. The
 * conversation both bridges hold (text, streaming, tools through ChatClient, entity output, fallbacks, failures) is
 * {@link SpringAiBridgeConversationTest}. Fixtures: fixtures/openai/README.md.
 */
@Timeout(60)
class SpringAiConversationTest {

    private static final String PRIMARY = "/primary/v1/chat/completions";
    private static final String BACKUP = "/backup/v1/chat/completions";
    /** The answer of fixtures/openai/chat-completion.json. */
    private static final String ANSWER = "The image shows a wooden boardwalk path running through a lush green field or"
            + " meadow. The sky is bright blue with some scattered clouds, giving the scene a serene and peaceful"
            + " atmosphere. Trees and shrubs are visible in the background.";

    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private Switchboard sb;

    @BeforeEach
    void start() {
        upstream.start();
        String base = "http://127.0.0.1:" + upstream.port();
        sb = Switchboard.builder().env(Map.of()).config(String.join("\n",
                "switchboard {",
                "  providers {",
                "    primary { type = openai, base-url = \"" + base + "/primary/v1\", api-key = \"test-key-not-real\", model = gpt-4o-mini, embedding-model = text-embedding-3-small }",
                "    backup { type = openai, base-url = \"" + base + "/backup/v1\", api-key = \"test-key-not-real\", model = gpt-4o }",
                "  }",
                "  routes.default.targets = [ primary, backup ]",
                "  route-defaults.retry.max-retries = 0",
                "}")).build();
    }

    @AfterEach
    void stop() {
        sb.close();
        upstream.stop();
    }

    private ChatModel model() {
        return new SwitchboardSpringAiChatModel(sb.route("default"));
    }

    private void primaryAnswers(String fixture) {
        upstream.stubFor(post(PRIMARY).willReturn(okJson(Fixtures.load("fixtures/openai/" + fixture))));
    }

    @Test
    void textWithUsageIdAndFinishReason() {
        primaryAnswers("chat-completion.json");
        SwitchboardChatOptions options = new SwitchboardChatOptions();
        options.setTemperature(0.3);

        ChatResponse r = model().call(new Prompt("Hello!", options));

        assertThat(r.getResult().getOutput().getText()).isEqualTo(ANSWER);
        assertThat(r.getResult().getMetadata().getFinishReason()).isEqualTo("STOP");
        assertThat(r.getMetadata().getId()).isEqualTo("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
        assertThat(r.getMetadata().getUsage().getPromptTokens()).isEqualTo(1117);
        assertThat(r.getMetadata().getUsage().getCompletionTokens()).isEqualTo(46);
        upstream.verify(postRequestedFor(urlEqualTo(PRIMARY)).withRequestBody(matchingJsonPath("$.temperature", equalTo("0.3"))));
    }

    @Test
    void cancellingTheFluxClosesTheStream() {
        upstream.stubFor(post(PRIMARY).willReturn(Sse.ok(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));

        ChatResponse first = model().stream(new Prompt("Hello!")).blockFirst(Duration.ofSeconds(30));

        assertThat(first).isNotNull();
        assertThat(sb.leasedConnections()).isZero();
    }

    /** The two tools of the recorded stream (chat-stream-tool-calls.sse), called at once. */
    static final class RecordedStreamTools {
        final List<String> asked = new ArrayList<>();

        @Tool(name = "GetWeatherArgs", description = "Get the weather of a city")
        String getWeatherArgs(String city, String country, String units) {
            asked.add(city);
            return "22 degrees";
        }

        @Tool(name = "get_stock_price", description = "Get a stock's price")
        String getStockPrice(String ticker, String exchange) {
            asked.add(ticker);
            return "123.45";
        }
    }

    @Test
    void aStreamedToolCallRunsTheToolAndTheAnswerStreamsOn() {
        upstream.stubFor(post(PRIMARY).withRequestBody(notContaining("\"role\":\"tool\""))
                .willReturn(Sse.ok(Fixtures.load("fixtures/openai/chat-stream-tool-calls.sse"))));
        upstream.stubFor(post(PRIMARY).withRequestBody(containing("\"role\":\"tool\""))
                .willReturn(Sse.ok(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
        RecordedStreamTools tools = new RecordedStreamTools();

        String answer = ChatClient.create(model()).prompt("Weather in Edinburgh and the price of AAPL?").tools(tools).stream().content()
                .collectList().map(l -> String.join("", l)).block(Duration.ofSeconds(30));

        assertThat(answer).startsWith("I'm unable to provide real-time updates");
        assertThat(tools.asked).containsExactlyInAnyOrder("Edinburgh", "AAPL");
        upstream.verify(postRequestedFor(urlEqualTo(PRIMARY))
                .withRequestBody(matchingJsonPath("$.messages[?(@.role == 'tool')].content", containing("123.45"))));
    }

    @Test
    void embeddingsComeBackWithTheirVectors() {
        upstream.stubFor(post("/primary/v1/embeddings").willReturn(okJson(Fixtures.load("fixtures/openai/embeddings.json"))));

        float[] vector = new SwitchboardSpringAiEmbeddingModel(sb.route("default")).embed("The food was delicious");

        assertThat(vector).isNotEmpty();
    }
}
