package dev.switchboard.runtime;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.api.AllTargetsFailedException;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.Content;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Message;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.testkit.Fixtures;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A provider is never asked for what its {@code capabilities()} leave out: over real HTTP, a route skips such a
 * target (nothing reaches its server, no cooldown) and answers from the next, and the provider called directly
 * refuses with {@link ErrorKind#UNSUPPORTED} naming itself and the capability, before anything is sent or recorded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CapabilityEnforcementTest {

    private static final String PLAIN_CHAT = "/plain/v1/chat/completions";
    private static final String BACKUP_CHAT = "/backup/v1/chat/completions";
    private static final ToolDefinition WEATHER = ToolDefinition.of("get_weather", "Current weather in a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private Switchboard sb;

    @BeforeEach
    void start() {
        upstream.start();
        String base = "http://127.0.0.1:" + upstream.port();
        // "plain" is an OpenAI-compatible server that declares chat only: no streaming, tools, images or JSON.
        String hocon = String.join("\n",
                "switchboard {",
                "  providers {",
                "    plain { type = openai-compatible, base-url = \"" + base + "/plain/v1\", model = small,"
                        + " capabilities = [chat] }",
                "    backup { type = openai, base-url = \"" + base + "/backup/v1\", api-key = \"test-key-not-real\","
                        + " model = gpt-4o }",
                "  }",
                "  routes.default.targets = [ plain, backup ]",
                "  route-defaults.retry.max-retries = 0",
                "}");
        sb = Switchboard.builder().config(hocon).env(Map.of()).build();
    }

    @AfterEach
    void stop() {
        sb.close();
        upstream.stop();
    }

    @Test
    void aRouteStreamsFromTheNextTargetWhenTheFirstDoesNotDeclareStreaming() {
        upstream.stubFor(post(BACKUP_CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));

        ChatResponse r = sb.defaultRoute().stream(ChatRequest.of("Hello!")).collect();

        assertThat(r.provider()).isEqualTo("backup");
        assertThat(r.text()).isNotEmpty();
        upstream.verify(0, postRequestedFor(urlEqualTo(PLAIN_CHAT)));
        Attempt skipped = r.attempts().get(0);
        assertThat(skipped.provider()).isEqualTo("plain");
        assertThat(skipped.outcome()).isEqualTo(Attempt.Outcome.SKIPPED_UNSUPPORTED);
        assertThat(skipped.errorKind()).hasValue(ErrorKind.UNSUPPORTED);
        assertThat(skipped.error().orElseThrow()).contains("STREAMING").contains("nothing was sent");
        assertThat(sb.defaultRoute().targetStates()).allSatisfy(s -> assertThat(s.consecutiveFailures()).isZero());
    }

    @Test
    void theSameRouteStillChatsWithTheTargetThatCannotStream() {
        upstream.stubFor(post(PLAIN_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        ChatResponse r = sb.defaultRoute().chat(ChatRequest.of("Hello!"));

        assertThat(r.provider()).isEqualTo("plain");
        upstream.verify(0, postRequestedFor(urlEqualTo(BACKUP_CHAT)));
    }

    @Test
    void aDirectStreamIsRefusedNamingTheProviderAndTheCapabilityBeforeAnythingIsSent() {
        LlmProvider plain = sb.provider("plain");

        LlmException e = catchThrowableOfType(LlmException.class, () -> plain.stream(ChatRequest.of("Hello!")));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(e.provider()).isEqualTo("plain");
        assertThat(e.getMessage()).isEqualTo("plain: stream needs capability STREAMING, which provider 'plain'"
                + " (type openai-compatible) does not declare; nothing was sent");
        upstream.verify(0, anyRequestedFor(urlPathMatching(".*")));
        assertThat(sb.ledger().snapshot().provider("plain").requests()).isZero();
    }

    @Test
    void toolsImagesAndJsonAreRefusedLikeStreamingWhenNotDeclared() {
        LlmProvider plain = sb.provider("plain");
        ChatRequest tools = ChatRequest.builder().user("Weather in Paris?").addTool(WEATHER).build();
        ChatRequest image = ChatRequest.builder()
                .addMessage(Message.user(Content.text("What is this?"), Content.imageUrl("https://example.com/a.png")))
                .build();
        ChatRequest json = ChatRequest.builder().user("Answer in JSON.").responseFormat(new ResponseFormat.JsonObject())
                .build();
        ChatRequest schema = ChatRequest.builder().user("Answer in JSON.")
                .responseFormat(ResponseFormat.jsonSchema("answer", "{\"type\":\"object\"}")).build();

        assertThat(refusal(() -> plain.chat(tools))).contains("capability TOOLS");
        assertThat(refusal(() -> plain.chat(image))).contains("capability VISION");
        assertThat(refusal(() -> plain.chat(json))).contains("capability JSON_OUTPUT");
        assertThat(refusal(() -> plain.chat(schema))).contains("capability JSON_SCHEMA_OUTPUT");
        assertThat(refusal(() -> plain.stream(tools))).contains("capabilities STREAMING, TOOLS");
        upstream.verify(0, anyRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void aRouteSkipSaysEveryCapabilityTheTargetLacks() {
        ChatRequest image = ChatRequest.builder()
                .addMessage(Message.user(Content.text("What is this?"), Content.imageUrl("https://example.com/a.png")))
                .responseFormat(ResponseFormat.jsonSchema("answer", "{\"type\":\"object\"}"))
                .build();
        upstream.stubFor(post(BACKUP_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        ChatResponse r = sb.defaultRoute().chat(image);

        assertThat(r.provider()).isEqualTo("backup");
        assertThat(r.attempts().get(0).outcome()).isEqualTo(Attempt.Outcome.SKIPPED_UNSUPPORTED);
        assertThat(r.attempts().get(0).error().orElseThrow()).contains("capabilities VISION, JSON_SCHEMA_OUTPUT");
        upstream.verify(0, postRequestedFor(urlEqualTo(PLAIN_CHAT)));
    }

    @Test
    void aRouteWithNoTargetThatCanFailsAsUnsupportedWithoutSendingAnything() {
        AllTargetsFailedException e = catchThrowableOfType(AllTargetsFailedException.class,
                () -> sb.providerRoute("plain").stream(ChatRequest.of("Hello!")));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(e.attempts()).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(Attempt.Outcome.SKIPPED_UNSUPPORTED);
            assertThat(a.error().orElseThrow()).contains("STREAMING");
        });
        upstream.verify(0, anyRequestedFor(urlPathMatching(".*")));
    }

    private static String refusal(Runnable call) {
        LlmException e = catchThrowableOfType(LlmException.class, call::run);
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        return e.getMessage();
    }
}
