package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code POST /v1/responses} on the wire, for what an SDK hides: the SSE framing ({@code event:} names matching each
 * event's {@code type}, {@code sequence_number}s from 0 without gaps, no {@code [DONE]}), the ending of a stream that
 * fails after it started, and the 400s and 413 for malformed, stateful and oversized requests, none of which reaches
 * an upstream.
 */
@Timeout(60) // a guard against hangs, not a speed check
class ResponsesWireTest {

    private GatewayHarness h;

    @BeforeEach
    void start() {
        h = GatewayHarness.start(String.join("\n",
                "providers.claude { type = anthropic, base-url = \"{upstream}/anthropic/v1\", api-key = \""
                        + GatewayHarness.KEY + "\", model = \"claude-sonnet-4-5\" }",
                "gateway.max-body = 64 KiB"));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private GatewayHarness.Reply post(String body) throws Exception {
        return h.http("POST", "/v1/responses", body, "Authorization", "Bearer " + GatewayHarness.KEY);
    }

    /** Each event as {@code [name, data]}; fails on a line that is neither. */
    private static List<String[]> events(String body) {
        List<String[]> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String[] lines = block.split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            events.add(new String[] {lines[0].substring(7), lines[1].substring(6)});
        }
        return events;
    }

    @Test
    void namesEveryEventByItsTypeAndNumbersThemFromZero() throws Exception {
        h.upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/primary/v1/chat/completions")
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                        .withBody(Fixtures.load("fixtures/openai/chat-stream-tool-calls.sse"))));

        GatewayHarness.Reply r = post("{\"model\":\"default\",\"stream\":true,\"input\":\"Weather in two cities?\","
                + "\"tools\":[{\"type\":\"function\",\"name\":\"get_current_weather\",\"parameters\":{\"type\":\"object\"}}]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(r.header("x-switchboard-provider")).hasValue("primary");
        assertThat(r.body()).doesNotContain("[DONE]");
        List<String[]> events = events(r.body());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode data = Json.parse(events.get(i)[1], "event");
            assertThat(data.path("type").asText()).isEqualTo(events.get(i)[0]);
            assertThat(data.path("sequence_number").asInt(-1)).isEqualTo(i);
            names.add(events.get(i)[0]);
        }
        assertThat(names.get(0)).isEqualTo("response.created");
        assertThat(names.get(1)).isEqualTo("response.in_progress");
        assertThat(names.get(names.size() - 1)).isEqualTo("response.completed");
        assertThat(names).filteredOn("response.output_item.added"::equals).hasSize(2);
        assertThat(names).filteredOn("response.function_call_arguments.done"::equals).hasSize(2);
        assertThat(names).filteredOn("response.output_item.done"::equals).hasSize(2);
        JsonNode completed = Json.parse(events.get(events.size() - 1)[1], "completed").path("response");
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        assertThat(completed.path("output")).hasSize(2);
        for (JsonNode item : completed.path("output")) {
            assertThat(item.path("type").asText()).isEqualTo("function_call");
            assertThat(Json.parse(item.path("arguments").asText(), "arguments").isObject()).isTrue();
        }
    }

    @Test
    void aStreamThatFailsAfterItStartedEndsWithAnErrorEventAndResponseFailed() throws Exception {
        h.upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/anthropic/v1/messages")
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                        .withBody(Fixtures.load("fixtures/anthropic/stream-overloaded-error.sse"))));

        GatewayHarness.Reply r = post("{\"model\":\"claude\",\"stream\":true,\"input\":\"Hi\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        List<String[]> events = events(r.body());
        List<String> names = events.stream().map(e -> e[0]).collect(java.util.stream.Collectors.toList());
        assertThat(names).contains("response.output_text.delta");
        assertThat(names.subList(names.size() - 2, names.size())).containsExactly("error", "response.failed");
        JsonNode error = Json.parse(events.get(events.size() - 2)[1], "error");
        assertThat(error.path("message").asText()).isNotBlank();
        JsonNode failed = Json.parse(events.get(events.size() - 1)[1], "failed").path("response");
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error").path("code").asText()).isEqualTo("server_error");
        assertThat(failed.path("output").path(0).path("content").path(0).path("text").asText()).isEqualTo("Hello");
    }

    @Test
    void translatesAConversationOfItemsIntoChatMessages() throws Exception {
        h.upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/primary/v1/chat/completions")
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        Fixtures.load("fixtures/openai/chat-completion.json"))));

        GatewayHarness.Reply r = post("{\"model\":\"default\",\"input\":["
                + "{\"role\":\"developer\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"What is this?\"},"
                + "{\"type\":\"input_image\",\"image_url\":\"https://example.com/a.png\",\"detail\":\"low\"}]},"
                + "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[]},"
                + "{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"status\":\"completed\","
                + "\"content\":[{\"type\":\"output_text\",\"text\":\"Let me look it up.\",\"annotations\":[]}]},"
                + "{\"type\":\"function_call\",\"call_id\":\"call_9\",\"name\":\"lookup\",\"arguments\":\"{\\\"q\\\":1}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_9\",\"output\":\"a boardwalk\"}],"
                + "\"tools\":[{\"type\":\"function\",\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"name\":\"lookup\"},\"top_p\":0.5,"
                + "\"text\":{\"format\":{\"type\":\"json_object\"}},\"metadata\":{\"team\":\"a\"}}");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode response = Json.parse(r.body(), "response");
        assertThat(response.path("object").asText()).isEqualTo("response");
        assertThat(response.path("metadata").path("team").asText()).isEqualTo("a");
        assertThat(response.path("top_p").asDouble()).isEqualTo(0.5);
        assertThat(response.path("tool_choice").path("name").asText()).isEqualTo("lookup");
        JsonNode sent = Json.parse(h.upstream.getAllServeEvents().get(0).getRequest().getBodyAsString(), "sent");
        JsonNode messages = sent.path("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.path(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.path(0).path("content").asText()).isEqualTo("Be brief.");
        assertThat(messages.path(1).path("content").path(1).path("image_url").path("url").asText())
                .isEqualTo("https://example.com/a.png");
        assertThat(messages.path(1).path("content").path(1).path("image_url").path("detail").asText()).isEqualTo("low");
        assertThat(messages.path(2).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.path(2).path("content").asText()).isEqualTo("Let me look it up.");
        assertThat(messages.path(2).path("tool_calls").path(0).path("function").path("arguments").asText())
                .isEqualTo("{\"q\":1}");
        assertThat(messages.path(3).path("tool_call_id").asText()).isEqualTo("call_9");
        assertThat(sent.path("tool_choice").path("function").path("name").asText()).isEqualTo("lookup");
        assertThat(sent.path("top_p").asDouble()).isEqualTo(0.5);
        assertThat(sent.path("response_format").path("type").asText()).isEqualTo("json_object");
        assertThat(sent.has("metadata")).isFalse(); // echoed to the client, never sent upstream
    }

    @Test
    void refusesMalformedRequestsNamingTheField() throws Exception {
        String[][] cases = {
                {"{\"model\":\"default\",\"input\":", "could not parse the JSON body"},
                {"[]", "must be a JSON object"},
                {"{\"input\":\"Hi\"}", "'model' is required"},
                {"{\"model\":\"default\"}", "'input' is required"},
                {"{\"model\":\"default\",\"input\":42}", "'input' must be a string or a non-empty array"},
                {"{\"model\":\"default\",\"input\":[{\"role\":\"robot\",\"content\":\"Hi\"}]}", "'input[0].role'"},
                {"{\"model\":\"default\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}", "does not store items"},
                {"{\"model\":\"default\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f\"}]}]}",
                        "content part type 'input_file'"},
                {"{\"model\":\"default\",\"input\":\"Hi\",\"previous_response_id\":\"resp_1\"}", "does not store responses"},
                {"{\"model\":\"default\",\"input\":\"Hi\",\"background\":true}", "'background' is not supported"},
                {"{\"model\":\"default\",\"input\":\"Hi\",\"tools\":[{\"type\":\"file_search\"}]}", "built-in tools"},
                {"{\"model\":\"default\",\"input\":\"Hi\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\"}}}",
                        "'text.format.schema' must be a JSON Schema object"},
                {"{\"model\":\"default\",\"input\":\"Hi\",\"max_output_tokens\":\"many\"}", "'max_output_tokens' must be an integer"},
                {"{\"model\":\"default\",\"input\":[{\"type\":\"function_call_output\",\"output\":\"x\"}]}",
                        "'input[0].call_id' is required"},
        };
        for (String[] c : cases) {
            GatewayHarness.Reply r = post(c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            JsonNode error = Json.parse(r.body(), "error").path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asText()).as(c[0]).contains(c[1]);
            assertThat(r.body()).doesNotContain("\n");
        }
        h.upstream.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void refusesHugeAndDeeplyNestedBodiesWithoutCallingUpstream() throws Exception {
        StringBuilder huge = new StringBuilder("{\"model\":\"default\",\"input\":\"");
        huge.append("a".repeat(70 * 1024)).append("\"}");
        GatewayHarness.Reply tooLarge = post(huge.toString());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("switchboard.gateway.max-body");

        String deep = "{\"model\":\"default\",\"input\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        GatewayHarness.Reply nested = post(deep);
        assertThat(nested.statusCode()).isEqualTo(400); // past Jackson's nesting limit, or not an input item
        assertThat(Json.parse(nested.body(), "error").path("error").path("type").asText())
                .isEqualTo("invalid_request_error");

        StringBuilder many = new StringBuilder("{\"model\":\"default\",\"input\":[");
        for (int i = 0; i < 2000; i++) {
            many.append(i == 0 ? "" : ",").append("{\"type\":\"nonsense\"}");
        }
        GatewayHarness.Reply items = post(many.append("]}").toString());
        assertThat(items.statusCode()).isEqualTo(400);
        assertThat(items.body()).contains("input[0].type");
        h.upstream.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void answersOnlyPost() throws Exception {
        GatewayHarness.Reply r = h.http("GET", "/v1/responses", null, "Authorization", "Bearer " + GatewayHarness.KEY);
        assertThat(r.statusCode()).isEqualTo(405);
        GatewayHarness.Reply unknown = h.http("GET", "/v1/nothing", null, "Authorization", "Bearer " + GatewayHarness.KEY);
        assertThat(unknown.body()).contains("POST /v1/responses");
    }
}
