package dev.switchboard.provider.cohere;

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

/** The provider contract, with Cohere's v2 wire format stubbed as its API reference and streaming guide document it. */
class CohereContractTest extends ProviderContractTest {

    @Override
    protected RequestSchemas requestSchemas() {
        return CohereTestSupport.SCHEMAS;
    }

    private static final String CHAT = "/v2/chat";

    @Override
    protected LlmProvider createProvider(Target target) {
        return new CohereProviderFactory().create(
                target.settings("cohere").baseUrl(target.baseUrl() + "/v2")
                        .model("command-a-03-2025").embeddingModel("embed-v4.0").build(),
                target.context());
    }

    @Override
    protected void stubChat(WireMockServer server, String text, Usage usage) {
        ObjectNode body = Json.object().put("id", "contract-chat").put("finish_reason", "COMPLETE");
        ObjectNode message = body.putObject("message").put("role", "assistant");
        message.putArray("content").addObject().put("type", "text").put("text", text);
        body.set("usage", usage(usage));
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(body.toString())));
    }

    @Override
    protected void stubStream(WireMockServer server, List<String> pieces, Usage usage) {
        Sse.Builder sse = start();
        sse.event("content-start", "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}");
        for (String p : pieces) {
            sse.event("content-delta", contentDelta(p));
        }
        sse.event("content-end", "{\"type\":\"content-end\",\"index\":0}");
        sse.event("message-end", messageEnd("COMPLETE", usage)).data("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(sse.build())));
    }

    @Override
    protected void stubStreamCutAfterFirstPiece(WireMockServer server, List<String> pieces) {
        String body = start().event("content-delta", contentDelta(pieces.get(0))).build();
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(body)));
    }

    @Override
    protected void stubError(WireMockServer server, int status, Map<String, String> headers, String message) {
        ResponseDefinitionBuilder response = aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(Json.object().put("id", "contract-error").put("message", message).toString());
        headers.forEach(response::withHeader);
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(response));
    }

    @Override
    protected void stubToolCalls(WireMockServer server, List<ToolCall> calls, boolean streamed) {
        if (!streamed) {
            ObjectNode body = Json.object().put("id", "contract-tools").put("finish_reason", "TOOL_CALL");
            ObjectNode message = body.putObject("message").put("role", "assistant").put("tool_plan", "I will call the tools.");
            ArrayNode toolCalls = message.putArray("tool_calls");
            for (ToolCall c : calls) {
                toolCalls.addObject().put("id", c.id()).put("type", "function")
                        .putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
            body.set("usage", usage(Usage.of(80, 20)));
            server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(body.toString())));
            return;
        }
        Sse.Builder sse = start();
        sse.event("tool-plan-delta", "{\"type\":\"tool-plan-delta\",\"delta\":{\"message\":{\"tool_plan\":\"I will call the tools.\"}}}");
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            ObjectNode startEvent = Json.object().put("type", "tool-call-start").put("index", i);
            startEvent.putObject("delta").putObject("message").putObject("tool_calls").put("id", c.id()).put("type", "function")
                    .putObject("function").put("name", c.name()).put("arguments", "");
            sse.event("tool-call-start", startEvent.toString());
            String args = c.arguments();
            int half = args.length() / 2;
            for (String fragment : new String[] {args.substring(0, half), args.substring(half)}) {
                ObjectNode delta = Json.object().put("type", "tool-call-delta").put("index", i);
                delta.putObject("delta").putObject("message").putObject("tool_calls").putObject("function").put("arguments", fragment);
                sse.event("tool-call-delta", delta.toString());
            }
            sse.event("tool-call-end", "{\"type\":\"tool-call-end\",\"index\":" + i + "}");
        }
        sse.event("message-end", messageEnd("TOOL_CALL", Usage.of(80, 20))).data("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(sse.build())));
    }

    @Override
    protected void stubEmbeddings(WireMockServer server, List<float[]> vectors) {
        ObjectNode body = Json.object().put("id", "contract-embed");
        ArrayNode floats = body.putObject("embeddings").putArray("float");
        for (float[] vector : vectors) {
            ArrayNode values = floats.addArray();
            for (float v : vector) {
                values.add(v);
            }
        }
        body.putObject("meta").putObject("billed_units").put("input_tokens", 4);
        server.stubFor(post(urlPathEqualTo("/v2/embed")).willReturn(okJson(body.toString())));
    }

    @Override
    protected void stubModels(WireMockServer server, List<String> ids) {
        ObjectNode body = Json.object();
        ArrayNode models = body.putArray("models");
        for (String id : ids) {
            models.addObject().put("name", id).put("finetuned", false).put("context_length", 128000)
                    .putArray("endpoints").add("chat");
        }
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(okJson(body.toString())));
    }

    private static Sse.Builder start() {
        return Sse.builder().event("message-start", "{\"id\":\"contract-stream\",\"type\":\"message-start\",\"delta\":"
                + "{\"message\":{\"role\":\"assistant\",\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],\"citations\":[]}}}");
    }

    private static String contentDelta(String text) {
        ObjectNode event = Json.object().put("type", "content-delta").put("index", 0);
        event.putObject("delta").putObject("message").putObject("content").put("text", text);
        return event.toString();
    }

    private static String messageEnd(String finishReason, Usage usage) {
        ObjectNode event = Json.object().put("type", "message-end");
        ObjectNode delta = event.putObject("delta").put("finish_reason", finishReason);
        delta.set("usage", usage(usage));
        return event.toString();
    }

    private static ObjectNode usage(Usage usage) {
        ObjectNode u = Json.object();
        u.putObject("billed_units").put("input_tokens", usage.inputTokens()).put("output_tokens", usage.outputTokens());
        u.putObject("tokens").put("input_tokens", usage.inputTokens()).put("output_tokens", usage.outputTokens());
        return u;
    }
}
