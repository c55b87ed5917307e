package dev.switchboard.provider.huggingface;

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
 * The provider contract for Hugging Face: chat, streaming and the model list stubbed as the router serves them (the
 * OpenAI format), embeddings as HF Inference's feature-extraction task answers.
 */
class HuggingFaceContractTest extends ProviderContractTest {

    static final String CHAT = "/v1/chat/completions";
    static final String MODEL = "openai/gpt-oss-120b:cerebras";
    static final String EMBEDDING_MODEL = "intfloat/multilingual-e5-large-instruct";

    @Override
    protected LlmProvider createProvider(Target target) {
        return new HuggingFaceProviderFactory().create(target.settings("huggingface").baseUrl(target.baseUrl() + "/v1")
                .model(MODEL).embeddingModel(EMBEDDING_MODEL).build(), target.context());
    }

    @Override
    protected void stubChat(WireMockServer server, String text, Usage usage) {
        ObjectNode message = Json.object().put("role", "assistant").put("content", text);
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(completion(message, "stop", usage).toString())));
    }

    @Override
    protected void stubStream(WireMockServer server, List<String> pieces, Usage usage) {
        List<String> chunks = new ArrayList<>();
        chunks.add(chunk(Json.object().put("role", "assistant").put("content", ""), null));
        for (String p : pieces) {
            chunks.add(chunk(Json.object().put("content", p), null));
        }
        chunks.add(chunk(Json.object(), "stop"));
        chunks.add(usageChunk(usage));
        chunks.add("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(chunks))));
    }

    @Override
    protected void stubStreamCutAfterFirstPiece(WireMockServer server, List<String> pieces) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(
                chunk(Json.object().put("role", "assistant").put("content", ""), null),
                chunk(Json.object().put("content", pieces.get(0)), null)))));
    }

    @Override
    protected void stubError(WireMockServer server, int status, Map<String, String> headers, String message) {
        ObjectNode error = Json.object().put("message", message)
                .put("type", status == 404 ? "invalid_request_error" : status >= 500 ? "server_error" : "invalid_request_error")
                .put("code", status == 404 ? "model_not_found" : status == 401 ? "invalid_api_key" : null);
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
            for (ToolCall c : calls) {
                toolCalls.addObject().put("id", c.id()).put("type", "function")
                        .putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
            server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(completion(message, "tool_calls", Usage.of(80, 20)).toString())));
            return;
        }
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            ObjectNode first = Json.object();
            first.putArray("tool_calls").addObject().put("index", i).put("id", c.id()).put("type", "function")
                    .putObject("function").put("name", c.name()).put("arguments", "");
            chunks.add(chunk(first, null));
            String args = c.arguments();
            int half = args.length() / 2;
            for (String fragment : new String[] {args.substring(0, half), args.substring(half)}) {
                ObjectNode more = Json.object();
                more.putArray("tool_calls").addObject().put("index", i).putObject("function").put("arguments", fragment);
                chunks.add(chunk(more, null));
            }
        }
        chunks.add(chunk(Json.object(), "tool_calls"));
        chunks.add(usageChunk(Usage.of(80, 20)));
        chunks.add("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(chunks))));
    }

    @Override
    protected void stubEmbeddings(WireMockServer server, List<float[]> vectors) {
        ArrayNode body = Json.array();
        for (float[] v : vectors) {
            ArrayNode vector = body.addArray();
            for (float x : v) {
                vector.add(x);
            }
        }
        server.stubFor(post(urlPathEqualTo("/hf-inference/models/" + EMBEDDING_MODEL + "/pipeline/feature-extraction"))
                .willReturn(okJson(body.toString())));
    }

    @Override
    protected void stubModels(WireMockServer server, List<String> ids) {
        ObjectNode body = Json.object().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (String id : ids) {
            ObjectNode model = data.addObject().put("id", id).put("object", "model").put("created", 1754389416).put("owned_by", "org");
            model.putArray("providers").addObject().put("provider", "cerebras").put("status", "live").put("context_length", 131072);
        }
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(okJson(body.toString())));
    }

    private static ObjectNode completion(ObjectNode message, String finishReason, Usage usage) {
        ObjectNode body = Json.object().put("id", "chatcmpl-contract").put("object", "chat.completion")
                .put("created", 1757141666).put("model", "openai/gpt-oss-120b");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.set("message", message);
        choice.put("finish_reason", finishReason);
        body.putObject("usage").put("prompt_tokens", usage.inputTokens()).put("completion_tokens", usage.outputTokens())
                .put("total_tokens", usage.totalTokens());
        return body;
    }

    private static String chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = Json.object().put("id", "chatcmpl-contract").put("object", "chat.completion.chunk")
                .put("created", 1757141666).put("model", "openai/gpt-oss-120b");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk.toString();
    }

    private static String usageChunk(Usage usage) {
        ObjectNode chunk = Json.object().put("id", "chatcmpl-contract").put("object", "chat.completion.chunk")
                .put("created", 1757141666).put("model", "openai/gpt-oss-120b");
        chunk.putArray("choices");
        chunk.putObject("usage").put("prompt_tokens", usage.inputTokens()).put("completion_tokens", usage.outputTokens())
                .put("total_tokens", usage.totalTokens());
        return chunk.toString();
    }
}
