package dev.switchboard.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import static com.github.tomakehurst.wiremock.client.WireMock.post;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testkit.Fixtures;
import dev.switchboard.testkit.Sse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatCommandTest {

    private static OpenAiStub stub;
    private static final String STREAMED = CliHarness.streamedText(OpenAiStub.STREAM);
    private static final String COMPLETION_TEXT = "The image shows a wooden boardwalk path";

    @TempDir
    Path dir;

    private CliHarness cli;

    @BeforeAll
    static void startStub() {
        stub = new OpenAiStub();
    }

    @AfterAll
    static void stopStub() {
        stub.close();
    }

    @BeforeEach
    void writeConfig() {
        stub.reset();
        cli = new CliHarness(dir);
        // Found as ./switchboard.conf: the working directory is the test directory.
        cli.file("switchboard.conf",
                "switchboard {",
                "  providers {",
                "    primary { type = openai, base-url = \"" + stub.baseUrl("primary") + "\" }",
                "    backup { type = openai, base-url = \"" + stub.baseUrl("backup") + "\", model = \"backup-model\" }",
                "  }",
                "  routes {",
                "    default { targets = [primary, backup], retry.max-retries = 0 }",
                "    backwards { targets = [\"backup\", \"primary/primary-model\"], retry.max-retries = 0 }",
                "  }",
                "}");
    }

    @Test
    void streamsTheAnswerToStandardOutputFlushingEachPiece() {
        // given
        stub.answering("primary");

        // when
        CliHarness.Result r = cli.run("chat", "What's", "the", "weather?");

        // then
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(STREAMED + "\n");
        // the text shows as it arrives: many flushes, the first holding only the beginning of the answer
        assertThat(r.flushes()).hasSizeGreaterThan(10);
        assertThat(STREAMED).startsWith(r.flushes().get(0)).isNotEqualTo(r.flushes().get(0));
        // gpt-4o: 14 * 2.50 + 47 * 10.00 = 505 per million tokens
        assertThat(r.err()).contains("answered by primary (gpt-4o-2024-08-06); tokens: 14 in, 47 out; cost: $0.000505")
                .doesNotContain("fallback");
        stub.server.verify(postRequestedFor(urlPathEqualTo("/primary/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("What's the weather?"))));
    }

    @Test
    void reportsTheFallbackOnStandardErrorAndTheTextOnStandardOutput() {
        // given
        stub.failing("primary", 500, "fixtures/openai/errors/500-server-error.json").answering("backup");

        // when
        CliHarness.Result r = cli.run("chat", "Hello");

        // then
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(STREAMED + "\n");
        assertThat(r.err()).containsSubsequence("fallback: primary failed: SERVER", "answered by backup");
    }

    @Test
    void failsWithOneLineNamingEveryProviderTriedAndNoKey() {
        // given
        stub.failing("primary", 500, "fixtures/openai/errors/500-server-error.json")
                .failing("backup", 401, "fixtures/openai/errors/401-invalid-api-key.json");

        // when
        CliHarness.Result r = cli.run("chat", "Hello");

        // then
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().filter(l -> l.startsWith("switchboard: "))).singleElement().satisfies(line ->
                assertThat(line).contains("route default", "primary (SERVER", "backup (AUTHENTICATION"));
        assertThat(r.err()).doesNotContain(CliHarness.KEY).doesNotContain("\tat ");
    }

    @Test
    void anAnswerThatBreaksOffKeepsItsTextEndsTheLineAndFails() {
        // given the recorded stream cut after its third event, without [DONE]
        String[] events = Fixtures.load(OpenAiStub.STREAM).split("\n\n");
        stub.server.stubFor(post(urlPathEqualTo("/primary/v1/chat/completions"))
                .willReturn(Sse.ok(events[0] + "\n\n" + events[1] + "\n\n" + events[2] + "\n\n")));

        // when
        CliHarness.Result r = cli.run("chat", "--provider", "primary", "Hello");

        // then
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("I'm unable\n");
        assertThat(r.err()).startsWith("switchboard: primary: ").contains("stream ended before its end marker")
                .hasLineCount(1);
    }

    @Test
    void showsTheStackTraceOnlyWithVerbose() {
        // given
        stub.failing("primary", 500, "fixtures/openai/errors/500-server-error.json")
                .failing("backup", 500, "fixtures/openai/errors/500-server-error.json");

        // when
        CliHarness.Result r = cli.run("--verbose", "chat", "Hello");

        // then
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("AllTargetsFailedException", "\tat ").doesNotContain(CliHarness.KEY);
    }

    @Test
    void readsThePromptFromStandardInputWhenThereAreNoArguments() {
        // given
        stub.answering("primary");
        cli.stdin = "Summarise this:\nline one\nline two\n";

        // when
        CliHarness.Result r = cli.run("chat", "--system", "Be brief.");

        // then
        assertThat(r.exitCode()).isZero();
        stub.server.verify(postRequestedFor(urlPathEqualTo("/primary/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("system")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("Be brief.")))
                .withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("Summarise this:\nline one\nline two"))));
    }

    @Test
    void refusesAnEmptyPromptAsAUsageError() {
        // when
        CliHarness.Result r = cli.run("chat");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("switchboard: no prompt: give it as arguments, or on standard input\n");
    }

    @Test
    void printsTheWholeAnswerWithNoStream() {
        // given
        stub.answering("primary");

        // when
        CliHarness.Result r = cli.run("chat", "--no-stream", "Describe the image");

        // then
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith(COMPLETION_TEXT).endsWith("in the background.\n");
        // the answer of the non-streamed stub: the request did not ask for a stream
        // gpt-4o: 1117 * 2.50 + 46 * 10.00 = 3252.5 per million tokens, shown to three significant digits
        assertThat(r.err()).contains("answered by primary (gpt-4o-2024-08-06); tokens: 1117 in, 46 out; cost: $0.00325");
    }

    @Test
    void printsTheWholeResponseAsJson() {
        // given
        stub.failing("primary", 500, "fixtures/openai/errors/500-server-error.json").answering("backup");

        // when
        CliHarness.Result r = cli.run("chat", "--json", "Describe the image");

        // then
        assertThat(r.exitCode()).isZero();
        JsonNode json = r.json();
        assertThat(json.path("id").asText()).isEqualTo("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
        assertThat(json.path("provider").asText()).isEqualTo("backup");
        assertThat(json.path("model").asText()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(json.path("text").asText()).startsWith(COMPLETION_TEXT);
        assertThat(json.path("costUsd").decimalValue()).isEqualByComparingTo("0.0032525");
        assertThat(json.path("finishReason").asText()).isEqualTo("stop");
        assertThat(json.path("usage").path("inputTokens").asLong()).isEqualTo(1117);
        assertThat(json.path("usage").path("outputTokens").asLong()).isEqualTo(46);
        assertThat(json.path("toolCalls").isArray()).isTrue();
        assertThat(json.path("attempts")).hasSize(2);
        assertThat(json.path("attempts").get(0).path("provider").asText()).isEqualTo("primary");
        assertThat(json.path("attempts").get(0).path("errorKind").asText()).isEqualTo("SERVER");
        assertThat(json.path("attempts").get(0).path("outcome").asText()).isEqualTo("FAILED");
        assertThat(json.path("attempts").get(1).path("outcome").asText()).isEqualTo("ANSWERED");
        assertThat(json.path("attempts").get(1).path("succeeded").asBoolean()).isTrue();
        // no bean dump of Optionals or records
        assertThat(r.out()).doesNotContain("\"present\"").doesNotContain("\"empty\"");
    }

    @Test
    void usesOneProviderAloneWithTheGivenModel() {
        // given
        stub.answering("backup");

        // when
        CliHarness.Result r = cli.run("chat", "--provider", "backup", "--model", "custom-model", "Hi");

        // then
        assertThat(r.exitCode()).isZero();
        stub.server.verify(1, postRequestedFor(urlPathEqualTo("/backup/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("custom-model"))));
        stub.server.verify(0, postRequestedFor(urlPathEqualTo("/primary/v1/chat/completions")));
    }

    @Test
    void overridesTheModelOfEveryTargetOfARoute() {
        // given the route backwards sets primary's model; --model replaces it on every target
        stub.failing("backup", 500, "fixtures/openai/errors/500-server-error.json").answering("primary");

        // when
        CliHarness.Result r = cli.run("chat", "--route", "backwards", "--model", "custom-model", "Hi");

        // then
        assertThat(r.exitCode()).isZero();
        stub.server.verify(postRequestedFor(urlPathEqualTo("/backup/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("custom-model"))));
        stub.server.verify(postRequestedFor(urlPathEqualTo("/primary/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("custom-model"))));
        assertThat(r.err()).contains("fallback: backup/custom-model failed: SERVER");
    }

    @Test
    void usesTheRoutesOwnModelsWithoutModelOption() {
        // given
        stub.failing("backup", 500, "fixtures/openai/errors/500-server-error.json").answering("primary");

        // when
        CliHarness.Result r = cli.run("chat", "--route", "backwards", "Hi");

        // then
        assertThat(r.exitCode()).isZero();
        stub.server.verify(postRequestedFor(urlPathEqualTo("/backup/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("backup-model"))));
        stub.server.verify(postRequestedFor(urlPathEqualTo("/primary/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("primary-model"))));
    }

    @Test
    void refusesRouteAndProviderTogether() {
        // when
        CliHarness.Result r = cli.run("chat", "--route", "default", "--provider", "primary", "Hi");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("switchboard: ").contains("--route", "--provider", "mutually exclusive")
                .hasLineCount(1);
        assertThat(stub.server.getAllServeEvents()).isEmpty();
    }

    @Test
    void namesTheConfiguredRoutesForAnUnknownOne() {
        // when
        CliHarness.Result r = cli.run("chat", "--route", "nosuch", "Hi");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("switchboard: no route 'nosuch'").contains("backwards, default").hasLineCount(1);
    }

    @Test
    void namesTheConfiguredProvidersForAnUnknownOne() {
        // when
        CliHarness.Result r = cli.run("chat", "--provider", "nosuch", "Hi");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("switchboard: no provider 'nosuch'").contains("backup, primary").hasLineCount(1);
    }

    @Test
    void failsAsAProviderFailureWhenTheKeyIsMissingNamingTheVariable() {
        // given
        cli.env.remove("OPENAI_API_KEY");

        // when
        CliHarness.Result r = cli.run("chat", "--provider", "primary", "Hi");

        // then
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("switchboard: primary: ").contains("OPENAI_API_KEY").hasLineCount(1);
        assertThat(stub.server.getAllServeEvents()).isEmpty();
    }
}
