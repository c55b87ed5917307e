package dev.switchboard.provider.together;

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
import dev.switchboard.testkit.Sse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The provider contract, with Together AI's wire format stubbed as its OpenAPI spec describes it: a natural end is
 * {@code finish_reason: eos}, usage rides on the last content chunk, {@code GET /models} answers a bare array.
 */
class TogetherContractTest extends ProviderContractTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo";

    @Override
    protected LlmProvider createProvider(Target target) {
        return new TogetherProviderFactory().create(target.settings("together").baseUrl(target.baseUrl() + "/v1")
                .model(MODEL).embeddingModel("togethercomputer/m2-bert-80M-8k-retrieval").build(), target.context());
    }

    @Override
    protected void stubChat(WireMockServer server, String text, Usage usage) {
        ObjectNode message = Json.object().put("role", "assistant").put("content", text);
        message.putArray("tool_calls");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(completion(message, "eos", usage).toString())));
    }

    @Override
    protected void stubStream(WireMockServer server, List<String> pieces, Usage usage) {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            boolean last = i == pieces.size() - 1;
            chunks.add(chunk(contentDelta(pieces.get(i)), last ? "eos" : null, last ? usage : null).toString());
        }
        chunks.add("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(chunks))));
    }

    @Override
    protected void stubStreamCutAfterFirstPiece(WireMockServer server, List<String> pieces) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(
                chunk(contentDelta(pieces.get(0)), null, null).toString()))));
    }

    @Override
    protected void stubError(WireMockServer server, int status, Map<String, String> headers, String message) {
        ObjectNode error = Json.object().put("message", message);
        switch (status) {
            case 401 -> error.put("type", "invalid_request_error").putNull("param").put("code", "invalid_api_key");
            case 404 -> error.put("type", "invalid_request_error").putNull("param").put("code", "model_not_available");
            default -> error.put("type", "server_error").putNull("param").putNull("code");
        }
        ResponseDefinitionBuilder response = aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(Json.object().set("error", error).toString());
        headers.forEach(response::withHeader);
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(response));
    }

    @Override
    protected void stubToolCalls(WireMockServer server, List<ToolCall> calls, boolean streamed) {
        if (!streamed) {
            ObjectNode message = Json.object().put("role", "assistant");
            message.putNull("content");
            ArrayNode toolCalls = message.putArray("tool_calls");
            for (int i = 0; i < calls.size(); i++) {
                ToolCall c = calls.get(i);
                ObjectNode call = toolCalls.addObject().put("index", i).put("id", c.id()).put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
            server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(completion(message, "tool_calls", Usage.of(220, 26)).toString())));
            return;
        }
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            ObjectNode first = contentDelta("");
            ObjectNode call = first.putArray("tool_calls").addObject().put("index", i).put("id", c.id()).put("type", "function");
            call.putObject("function").put("name", c.name()).put("arguments", "");
            chunks.add(chunk(first, null, null).toString());
            String args = c.arguments();
            int half = args.length() / 2;
            for (String fragment : new String[] {args.substring(0, half), args.substring(half)}) {
                ObjectNode more = contentDelta("");
                more.putArray("tool_calls").addObject().put("index", i).putObject("function").put("arguments", fragment);
                chunks.add(chunk(more, null, null).toString());
            }
        }
        chunks.add(chunk(contentDelta(""), "tool_calls", Usage.of(220, 26)).toString());
        chunks.add("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(chunks))));
    }

    @Override
    protected void stubEmbeddings(WireMockServer server, List<float[]> vectors) {
        ObjectNode body = Json.object().put("object", "list").put("model", "togethercomputer/m2-bert-80M-8k-retrieval");
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            ArrayNode embedding = data.addObject().put("index", i).put("object", "embedding").putArray("embedding");
            for (float v : vectors.get(i)) {
                embedding.add(v);
            }
        }
        server.stubFor(post(urlPathEqualTo("/v1/embeddings")).willReturn(okJson(body.toString())));
    }

    @Override
    protected void stubModels(WireMockServer server, List<String> ids) {
        ArrayNode body = Json.array();
        for (String id : ids) {
            body.addObject().put("id", id).put("object", "model").put("created", 1692896905).put("type", "chat")
                    .put("display_name", id).put("organization", "Together").put("context_length", 8192);
        }
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(okJson(body.toString())));
    }

    private static ObjectNode completion(ObjectNode message, String finishReason, Usage usage) {
        ObjectNode body = Json.object().put("id", "oBUtaEp-contract").put("object", "chat.completion")
                .put("created", 1758039032).put("model", MODEL);
        body.putArray("prompt");
        ObjectNode choice = body.putArray("choices").addObject().put("finish_reason", finishReason).put("index", 0);
        choice.putNull("logprobs");
        choice.set("message", message);
        body.set("usage", usage(usage));
        return body;
    }

    private static ObjectNode contentDelta(String text) {
        return Json.object().put("token_id", 30).put("role", "assistant").put("content", text);
    }

    /** Together's chunk: {@code text} beside the delta, {@code usage} null except on the last one. */
    private static ObjectNode chunk(ObjectNode delta, String finishReason, Usage usage) {
        ObjectNode chunk = Json.object().put("id", "8b43a5cfadf99e5c-SJC").put("object", "chat.completion.chunk")
                .put("created", 1723834621);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0).put("text", delta.path("content").asText());
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        choice.set("delta", delta);
        chunk.put("model", MODEL);
        if (usage == null) {
            chunk.putNull("usage");
        } else {
            chunk.set("usage", usage(usage));
        }
        return chunk;
    }

    private static ObjectNode usage(Usage usage) {
        return Json.object()
                .put("prompt_tokens", usage.inputTokens())
                .put("completion_tokens", usage.outputTokens())
                .put("total_tokens", usage.totalTokens());
    }
}
