package dev.switchboard.spring.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.ResponseFormat;
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
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * Spring AI's own interfaces ({@code ChatModel}, its {@code Flux} stream, {@code ChatClient} with tools and entity
 * output, {@code EmbeddingModel}) over a Switchboard route of two OpenAI-type providers on a local stub: the same
 * conversation as the LangChain4j bridge's test. Fixtures: fixtures/openai/README.md.
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

    private void primaryOverloaded() {
        upstream.stubFor(post(PRIMARY).willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"The engine is currently overloaded\",\"type\":\"server_error\"}}")));
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
    void aFailureOfThePrimaryFallsBackToTheBackup() {
        primaryOverloaded();
        upstream.stubFor(post(BACKUP).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        String answer = ChatClient.create(model()).prompt("Hello!").call().content();

        assertThat(answer).isEqualTo(ANSWER);
        upstream.verify(1, postRequestedFor(urlEqualTo(BACKUP)));
    }

    @Test
    void whenEveryTargetFailsTheFailureCarriesKindAndTrail() {
        String unauthorized = "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
        upstream.stubFor(post(PRIMARY).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json").withBody(unauthorized)));
        upstream.stubFor(post(BACKUP).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json").withBody(unauthorized)));

        assertThatThrownBy(() -> model().call(new Prompt("Hello!")))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
                    assertThat(e.attempts()).hasSize(2);
                })
                .hasMessageNotContaining("test-key-not-real");
    }

    @Test
    void streamingIsAFluxOfTextThenTheFinishWithUsage() {
        upstream.stubFor(post(PRIMARY).willReturn(Sse.ok(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));

        List<ChatResponse> chunks = model().stream(new Prompt("Hello!")).collectList().block(Duration.ofSeconds(30));

        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.getResult().getOutput().getText()));
        assertThat(text.toString()).startsWith("I'm unable to provide real-time updates");
        ChatResponse last = chunks.get(chunks.size() - 1);
        assertThat(last.getResult().getMetadata().getFinishReason()).isEqualTo("STOP");
        assertThat(last.getMetadata().getUsage().getPromptTokens()).isEqualTo(14);
        assertThat(last.getMetadata().getUsage().getCompletionTokens()).isEqualTo(47);
    }

    @Test
    void cancellingTheFluxClosesTheStream() {
        upstream.stubFor(post(PRIMARY).willReturn(Sse.ok(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));

        ChatResponse first = model().stream(new Prompt("Hello!")).blockFirst(Duration.ofSeconds(30));

        assertThat(first).isNotNull();
        assertThat(sb.leasedConnections()).isZero();
    }

    static final class WeatherTools {
        final List<String> asked = new ArrayList<>();

        @Tool(name = "get_current_weather", description = "Get the current weather in a given location")
        String getCurrentWeather(@ToolParam(description = "the city and state") String location) {
            asked.add(location);
            return "22 degrees and sunny";
        }
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
    void aToolRoundTripThroughChatClientRunsTheToolAndSendsItsResultBack() {
        primaryOverloaded(); // and falls back on the way
        upstream.stubFor(post(BACKUP).withRequestBody(notContaining("\"role\":\"tool\""))
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion-tool-calls.json"))));
        upstream.stubFor(post(BACKUP).withRequestBody(containing("\"role\":\"tool\""))
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        WeatherTools tools = new WeatherTools();

        String answer = ChatClient.create(model()).prompt("What's the weather like in Boston today?").tools(tools).call().content();

        assertThat(answer).isEqualTo(ANSWER);
        assertThat(tools.asked).containsExactly("Boston, MA");
        upstream.verify(postRequestedFor(urlEqualTo(BACKUP))
                .withRequestBody(matchingJsonPath("$.tools[*].function.name", containing("get_current_weather")))
                .withRequestBody(matchingJsonPath("$.messages[2].tool_call_id", equalTo("call_abc123")))
                .withRequestBody(matchingJsonPath("$.messages[2].content", containing("22 degrees"))));
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

    record Weather(String city, int temperature_c) {}

    @Test
    void jsonSchemaOutputIsAskedForAndChatClientReadsTheEntity() {
        primaryAnswers("chat-completion-json.json");
        SwitchboardChatOptions options = new SwitchboardChatOptions();
        options.setResponseFormat(ResponseFormat.jsonSchema("weather",
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"temperature_c\":{\"type\":\"integer\"}},\"required\":[\"city\",\"temperature_c\"]}"));

        Weather w = ChatClient.create(model()).prompt("Weather in Paris as JSON").options(options).call().entity(Weather.class);

        assertThat(w).isEqualTo(new Weather("Paris", 18));
        upstream.verify(postRequestedFor(urlEqualTo(PRIMARY))
                .withRequestBody(matchingJsonPath("$.response_format.type", equalTo("json_schema")))
                .withRequestBody(matchingJsonPath("$.response_format.json_schema.name", equalTo("weather"))));
    }

    @Test
    void embeddingsComeBackWithTheirVectors() {
        upstream.stubFor(post("/primary/v1/embeddings").willReturn(okJson(Fixtures.load("fixtures/openai/embeddings.json"))));

        float[] vector = new SwitchboardSpringAiEmbeddingModel(sb.route("default")).embed("The food was delicious");

        assertThat(vector).isNotEmpty();
    }
}
