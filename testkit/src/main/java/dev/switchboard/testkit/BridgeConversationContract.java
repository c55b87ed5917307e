package dev.switchboard.testkit;

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
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One conversation every framework bridge must hold over a Switchboard route, so that they are proven alike: text,
 * streaming, a tool round trip run by the framework's own tool machinery, JSON Schema output read back as the
 * framework's structured value, an error that falls back (plain and streamed) and one that does not. Each bridge's
 * test extends it and says how its framework does each step; the upstreams, the route and every check are here.
 *
 * <p>The route {@code default} falls back from {@code primary} to {@code backup}, two OpenAI-type providers on one
 * local stub (no retries). The fixtures come from the extending test's class path: {@code fixtures/openai/}
 * {@code chat-completion.json}, {@code chat-completion-tool-calls.json}, {@code chat-completion-json.json} and
 * {@code chat-stream-text.sse} (copies of the OpenAI provider's fixtures, whose README gives their sources).
 */
@Timeout(60)
public abstract class BridgeConversationContract {

    /** The answer of fixtures/openai/chat-completion.json. */
    protected static final String ANSWER = "The image shows a wooden boardwalk path running through a lush green field"
            + " or meadow. The sky is bright blue with some scattered clouds, giving the scene a serene and peaceful"
            + " atmosphere. Trees and shrubs are visible in the background.";
    /** What the weather tool answers when the framework runs it. */
    protected static final String TOOL_RESULT = "22 degrees and sunny";

    private static final String PRIMARY = "/primary/v1/chat/completions";
    private static final String BACKUP = "/backup/v1/chat/completions";
    private static final String KEY = "test-key-not-real";

    /** The stub both providers of the route call. */
    protected final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private LlmProvider route;

    /** What the bridge made of one answer. */
    public record Answer(String text, String finishReason, long inputTokens, long outputTokens) {}

    /** What the bridge delivered of a stream: its text pieces in order and the complete answer. */
    public record Streamed(List<String> pieces, Answer complete) {}

    /** The structured value the framework read from the JSON answer. */
    public record CityWeather(String city, int temperatureC) {}

    /**
     * Builds a Switchboard from {@code config} (HOCON) and returns its route {@code default}; the Switchboard is
     * closed in {@link #closeSwitchboard()}.
     */
    protected abstract LlmProvider openRoute(String config);

    protected abstract void closeSwitchboard();

    /** One user message through the framework's chat model over {@code route}. */
    protected abstract Answer chat(LlmProvider route, String userText);

    /** One user message through the framework's streaming model over {@code route}, pulled to the end. */
    protected abstract Streamed stream(LlmProvider route, String userText);

    /**
     * Asks {@code userText} with a tool {@code get_current_weather(location)} ("Get the current weather in a given
     * location", {@code location} required) declared and run the framework's way, to the final answer's text. The
     * tool adds its {@code location} to {@code asked} and answers {@link #TOOL_RESULT}.
     */
    protected abstract String askWithWeatherTool(LlmProvider route, String userText, List<String> asked);

    /**
     * Asks {@code userText} for a structured value {@code {city: string, temperature_c: integer}} (both required)
     * the framework's way, as a JSON Schema response format, and returns what the framework read.
     */
    protected abstract CityWeather askForWeather(LlmProvider route, String userText);

    /** The type the framework throws when every target of the route failed on authentication. */
    protected abstract Class<? extends Throwable> authenticationFailure();

    @BeforeEach
    void openTheRoute() {
        upstream.start();
        String base = "http://127.0.0.1:" + upstream.port();
        route = openRoute(String.join("\n",
                "switchboard {",
                "  providers {",
                "    primary { type = openai, base-url = \"" + base + "/primary/v1\", api-key = \"" + KEY + "\", model = gpt-4o-mini }",
                "    backup { type = openai, base-url = \"" + base + "/backup/v1\", api-key = \"" + KEY + "\", model = gpt-4o }",
                "  }",
                "  routes.default.targets = [ primary, backup ]",
                "  route-defaults.retry.max-retries = 0",
                "}"));
    }

    @AfterEach
    void closeTheRoute() {
        try {
            closeSwitchboard();
        } finally {
            upstream.stop();
        }
    }

    private void answers(String path, String fixture) {
        upstream.stubFor(post(path).willReturn(okJson(Fixtures.load("fixtures/openai/" + fixture))));
    }

    private void streams(String path) {
        upstream.stubFor(post(path).willReturn(Sse.ok(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
    }

    private void overloaded(String path) {
        upstream.stubFor(post(path).willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"The engine is currently overloaded\",\"type\":\"server_error\"}}")));
    }

    @Test
    void textComesBackWithFinishReasonAndUsage() {
        answers(PRIMARY, "chat-completion.json");

        Answer a = chat(route, "Hello!");

        assertThat(a.text()).isEqualTo(ANSWER);
        assertThat(a.finishReason()).isEqualToIgnoringCase("stop");
        assertThat(a.inputTokens()).isEqualTo(1117);
        assertThat(a.outputTokens()).isEqualTo(46);
        upstream.verify(postRequestedFor(urlEqualTo(PRIMARY))
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini")))
                .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("user")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", containing("Hello!"))));
    }

    @Test
    void anErrorOfThePrimaryFallsBackToTheBackup() {
        overloaded(PRIMARY);
        answers(BACKUP, "chat-completion.json");

        Answer a = chat(route, "Hello!");

        assertThat(a.text()).isEqualTo(ANSWER);
        upstream.verify(1, postRequestedFor(urlEqualTo(PRIMARY)));
        upstream.verify(1, postRequestedFor(urlEqualTo(BACKUP)).withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o"))));
    }

    @Test
    void aStreamArrivesInPiecesThenWhole() {
        streams(PRIMARY);

        Streamed s = stream(route, "Hello!");

        assertThat(s.pieces()).hasSizeGreaterThan(1);
        assertThat(String.join("", s.pieces())).startsWith("I'm unable to provide real-time updates")
                .isEqualTo(s.complete().text());
        assertThat(s.complete().finishReason()).isEqualToIgnoringCase("stop");
        assertThat(s.complete().inputTokens()).isEqualTo(14);
        assertThat(s.complete().outputTokens()).isEqualTo(47);
        upstream.verify(postRequestedFor(urlEqualTo(PRIMARY)).withRequestBody(matchingJsonPath("$.stream", equalTo("true"))));
    }

    @Test
    void aStreamWhosePrimaryFailsComesFromTheBackup() {
        overloaded(PRIMARY);
        streams(BACKUP);

        Streamed s = stream(route, "Hello!");

        assertThat(s.complete().text()).startsWith("I'm unable to provide real-time updates");
        upstream.verify(1, postRequestedFor(urlEqualTo(BACKUP)));
    }

    @Test
    void theFrameworkRunsTheToolAndSendsItsResultBackUnderTheCallsId() {
        upstream.stubFor(post(PRIMARY).withRequestBody(notContaining("\"role\":\"tool\""))
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion-tool-calls.json"))));
        upstream.stubFor(post(PRIMARY).withRequestBody(containing("\"role\":\"tool\""))
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        List<String> asked = new ArrayList<>();

        String answer = askWithWeatherTool(route, "What's the weather like in Boston today?", asked);

        assertThat(answer).isEqualTo(ANSWER);
        assertThat(asked).containsExactly("Boston, MA");
        upstream.verify(2, postRequestedFor(urlEqualTo(PRIMARY)));
        upstream.verify(postRequestedFor(urlEqualTo(PRIMARY))
                .withRequestBody(matchingJsonPath("$.tools[0].function.name", equalTo("get_current_weather")))
                .withRequestBody(matchingJsonPath("$.tools[0].function.parameters.required[0]", equalTo("location")))
                .withRequestBody(matchingJsonPath("$.messages[1].tool_calls[0].id", equalTo("call_abc123")))
                .withRequestBody(matchingJsonPath("$.messages[2].role", equalTo("tool")))
                .withRequestBody(matchingJsonPath("$.messages[2].tool_call_id", equalTo("call_abc123")))
                .withRequestBody(matchingJsonPath("$.messages[2].content", containing(TOOL_RESULT))));
    }

    @Test
    void aToolRoundTripFallsBackAsAWhole() {
        overloaded(PRIMARY);
        upstream.stubFor(post(BACKUP).withRequestBody(notContaining("\"role\":\"tool\""))
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion-tool-calls.json"))));
        upstream.stubFor(post(BACKUP).withRequestBody(containing("\"role\":\"tool\""))
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        List<String> asked = new ArrayList<>();

        String answer = askWithWeatherTool(route, "What's the weather like in Boston today?", asked);

        assertThat(answer).isEqualTo(ANSWER);
        assertThat(asked).containsExactly("Boston, MA");
        upstream.verify(postRequestedFor(urlEqualTo(BACKUP))
                .withRequestBody(matchingJsonPath("$.messages[2].content", containing(TOOL_RESULT))));
    }

    @Test
    void jsonSchemaOutputIsAskedForAndReadBack() {
        answers(PRIMARY, "chat-completion-json.json");

        CityWeather w = askForWeather(route, "Weather in Paris as JSON");

        assertThat(w).isEqualTo(new CityWeather("Paris", 18));
        upstream.verify(postRequestedFor(urlEqualTo(PRIMARY))
                .withRequestBody(matchingJsonPath("$.response_format.type", equalTo("json_schema")))
                .withRequestBody(matchingJsonPath("$.response_format.json_schema.schema.properties.city.type", equalTo("string")))
                .withRequestBody(matchingJsonPath("$.response_format.json_schema.schema.properties.temperature_c.type", equalTo("integer"))));
    }

    @Test
    void whenEveryTargetFailsTheFrameworkSeesOneFailureWithTheTrail() {
        String unauthorized = "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\","
                + "\"code\":\"invalid_api_key\"}}";
        upstream.stubFor(post(PRIMARY).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json").withBody(unauthorized)));
        upstream.stubFor(post(BACKUP).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json").withBody(unauthorized)));

        Throwable thrown = catchThrowable(() -> chat(route, "Hello!"));

        assertThat(thrown).isInstanceOf(authenticationFailure()).hasMessageNotContaining(KEY);
        LlmException failure = thrown instanceof LlmException e ? e : (LlmException) thrown.getCause();
        assertThat(failure.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(failure.attempts()).extracting(dev.switchboard.api.Attempt::provider).containsExactly("primary", "backup");
    }
}
