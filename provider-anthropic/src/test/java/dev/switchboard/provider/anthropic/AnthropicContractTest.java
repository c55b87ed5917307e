package dev.switchboard.provider.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.ProviderContractTest;
import dev.switchboard.testkit.RequestSchemas;
import dev.switchboard.testkit.Sse;
import java.util.List;
import java.util.Map;

/** The provider contract, with the Messages API's wire format stubbed as its reference documents it. */
class AnthropicContractTest extends ProviderContractTest {

    @Override
    protected RequestSchemas requestSchemas() {
        return AnthropicTestSupport.SCHEMAS;
    }

    private static final String MESSAGES = "/v1/messages";
    private static final String MODEL = "claude-haiku-4-5";

    @Override
    protected LlmProvider createProvider(Target target) {
        return new AnthropicProviderFactory().create(
                target.settings("anthropic").baseUrl(target.baseUrl() + "/v1").model(MODEL).build(), target.context());
    }

    @Override
    protected void stubChat(WireMockServer server, String text, Usage usage) {
        ObjectNode message = message("end_turn", usage);
        message.withArray("content").addObject().put("type", "text").put("text", text);
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(okJson(message.toString())));
    }

    @Override
    protected void stubStream(WireMockServer server, List<String> pieces, Usage usage) {
        Sse.Builder sse = opening(usage);
        for (String p : pieces) {
            sse.event("content_block_delta", textDelta(p));
        }
        sse.event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        sse.event("message_delta", messageDelta("end_turn", usage.outputTokens()));
        sse.event("message_stop", "{\"type\":\"message_stop\"}");
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(Sse.ok(sse.build())));
    }

    @Override
    protected void stubStreamCutAfterFirstPiece(WireMockServer server, List<String> pieces) {
        String body = opening(Usage.of(17, 1)).event("content_block_delta", textDelta(pieces.get(0))).build();
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(Sse.ok(body)));
    }

    @Override
    protected void stubError(WireMockServer server, int status, Map<String, String> headers, String message) {
        String type = switch (status) {
            case 401 -> "authentication_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            case 500 -> "api_error";
            case 529 -> "overloaded_error";
            default -> "invalid_request_error";
        };
        ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        body.put("request_id", "req_contract");
        ResponseDefinitionBuilder response = aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body.toString());
        headers.forEach(response::withHeader);
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(response));
    }

    @Override
    protected void stubToolCalls(WireMockServer server, List<ToolCall> calls, boolean streamed) {
        if (!streamed) {
            ObjectNode message = message("tool_use", Usage.of(80, 20));
            ArrayNode content = message.withArray("content");
            for (ToolCall c : calls) {
                content.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name())
                        .set("input", Json.parse(c.arguments(), "arguments"));
            }
            server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(okJson(message.toString())));
            return;
        }
        // As the API streams them: a block start with id, name and empty input, then the input in pieces.
        Sse.Builder sse = opening(Usage.of(80, 1));
        sse.event("content_block_delta", textDelta("Let me look that up."));
        sse.event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            int index = i + 1;
            ObjectNode start = Json.object().put("type", "content_block_start").put("index", index);
            start.putObject("content_block").put("type", "tool_use").put("id", c.id()).put("name", c.name()).putObject("input");
            sse.event("content_block_start", start.toString());
            String args = c.arguments();
            int half = args.length() / 2;
            for (String piece : new String[] {"", args.substring(0, half), args.substring(half)}) {
                ObjectNode delta = Json.object().put("type", "content_block_delta").put("index", index);
                delta.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
                sse.event("content_block_delta", delta.toString());
            }
            sse.event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
        }
        sse.event("message_delta", messageDelta("tool_use", 20));
        sse.event("message_stop", "{\"type\":\"message_stop\"}");
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(Sse.ok(sse.build())));
    }

    @Override
    protected void stubModels(WireMockServer server, List<String> ids) {
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        for (String id : ids) {
            data.addObject().put("type", "model").put("id", id).put("display_name", id).put("created_at", "2025-02-19T00:00:00Z");
        }
        body.put("has_more", false).put("first_id", ids.get(0)).put("last_id", ids.get(ids.size() - 1));
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(okJson(body.toString())));
    }

    private static ObjectNode message(String stopReason, Usage usage) {
        ObjectNode message = Json.object()
                .put("id", "msg_contract").put("type", "message").put("role", "assistant").put("model", MODEL);
        message.putArray("content");
        message.put("stop_reason", stopReason).putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", usage.inputTokens()).put("output_tokens", usage.outputTokens());
        return message;
    }

    /** {@code message_start} with the input usage, a text block start and a ping. */
    private static Sse.Builder opening(Usage usage) {
        ObjectNode start = Json.object().put("type", "message_start");
        ObjectNode message = start.putObject("message").put("id", "msg_contract").put("type", "message")
                .put("role", "assistant").put("model", MODEL);
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", usage.inputTokens()).put("output_tokens", 1);
        return Sse.builder()
                .event("message_start", start.toString())
                .event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                .event("ping", "{\"type\": \"ping\"}");
    }

    private static String textDelta(String text) {
        ObjectNode delta = Json.object().put("type", "content_block_delta").put("index", 0);
        delta.putObject("delta").put("type", "text_delta").put("text", text);
        return delta.toString();
    }

    private static String messageDelta(String stopReason, long outputTokens) {
        ObjectNode delta = Json.object().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", outputTokens);
        return delta.toString();
    }
}
