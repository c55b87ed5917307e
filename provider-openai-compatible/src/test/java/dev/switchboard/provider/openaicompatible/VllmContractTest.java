package dev.switchboard.provider.openaicompatible;

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
 * The provider contract for {@code type = openai-compatible} pointed at a vLLM server: the stubs answer in vLLM's
 * flavour of the OpenAI format (its extra null fields, {@code stop_reason}, {@code tool_calls: []}, and its errors).
 */
class VllmContractTest extends ProviderContractTest {

    static final String CHAT = "/v1/chat/completions";
    static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";

    @Override
    protected LlmProvider createProvider(Target target) {
        return new OpenAiCompatibleProviderFactory().create(target.settings("openai-compatible")
                .baseUrl(target.baseUrl() + "/v1").model(MODEL).embeddingModel("BAAI/bge-small-en-v1.5").build(), target.context());
    }

    @Override
    protected void stubChat(WireMockServer server, String text, Usage usage) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(completion(message(text), "stop", usage).toString())));
    }

    @Override
    protected void stubStream(WireMockServer server, List<String> pieces, Usage usage) {
        List<String> chunks = new ArrayList<>();
        chunks.add(chunk(delta().put("role", "assistant").put("content", ""), null));
        for (String p : pieces) {
            chunks.add(chunk(delta().put("content", p), null));
        }
        chunks.add(chunk(delta().put("content", ""), "stop"));
        chunks.add(usageChunk(usage));
        chunks.add("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(chunks))));
    }

    @Override
    protected void stubStreamCutAfterFirstPiece(WireMockServer server, List<String> pieces) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(
                chunk(delta().put("role", "assistant").put("content", ""), null),
                chunk(delta().put("content", pieces.get(0)), null)))));
    }

    @Override
    protected void stubError(WireMockServer server, int status, Map<String, String> headers, String message) {
        String type = switch (status) {
            case 401 -> "AuthenticationError";
            case 404 -> "NotFoundError";
            case 429 -> "RateLimitError";
            case 500 -> "InternalServerError";
            default -> "BadRequestError";
        };
        ObjectNode error = Json.object().put("message", message).put("type", type).put("code", status);
        error.putNull("param");
        ResponseDefinitionBuilder response = aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(Json.object().set("error", error).toString());
        headers.forEach(response::withHeader);
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(response));
    }

    @Override
    protected void stubToolCalls(WireMockServer server, List<ToolCall> calls, boolean streamed) {
        if (!streamed) {
            ObjectNode message = message(null);
            ArrayNode toolCalls = message.putArray("tool_calls");
            for (ToolCall c : calls) {
                ObjectNode call = toolCalls.addObject().put("id", c.id()).put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
            server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(completion(message, "tool_calls", Usage.of(80, 20)).toString())));
            return;
        }
        List<String> chunks = new ArrayList<>();
        chunks.add(chunk(delta().put("role", "assistant").put("content", ""), null));
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            ObjectNode first = delta();
            first.putArray("tool_calls").addObject().put("index", i).put("id", c.id()).put("type", "function")
                    .putObject("function").put("name", c.name()).put("arguments", "");
            chunks.add(chunk(first, null));
            String args = c.arguments();
            int half = args.length() / 2;
            for (String fragment : new String[] {args.substring(0, half), args.substring(half)}) {
                ObjectNode more = delta();
                more.putArray("tool_calls").addObject().put("index", i).putObject("function").put("arguments", fragment);
                chunks.add(chunk(more, null));
            }
        }
        chunks.add(chunk(delta().put("content", ""), "tool_calls"));
        chunks.add(usageChunk(Usage.of(80, 20)));
        chunks.add("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(chunks))));
    }

    @Override
    protected void stubEmbeddings(WireMockServer server, List<float[]> vectors) {
        ObjectNode body = Json.object().put("id", "embd-5b7b4c0b0a3f4d6e").put("object", "list")
                .put("created", 1764924127).put("model", "BAAI/bge-small-en-v1.5");
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            ArrayNode embedding = data.addObject().put("index", i).put("object", "embedding").putArray("embedding");
            for (float v : vectors.get(i)) {
                embedding.add(v);
            }
        }
        body.putObject("usage").put("prompt_tokens", 6).put("total_tokens", 6).put("completion_tokens", 0).putNull("prompt_tokens_details");
        server.stubFor(post(urlPathEqualTo("/v1/embeddings")).willReturn(okJson(body.toString())));
    }

    @Override
    protected void stubModels(WireMockServer server, List<String> ids) {
        ObjectNode body = Json.object().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (String id : ids) {
            data.addObject().put("id", id).put("object", "model").put("created", 1764924127).put("owned_by", "vllm")
                    .put("root", id).putNull("parent").put("max_model_len", 32768);
        }
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(okJson(body.toString())));
    }

    static ObjectNode message(String text) {
        ObjectNode message = Json.object().put("role", "assistant");
        if (text == null) {
            message.putNull("content");
        } else {
            message.put("content", text);
        }
        message.putNull("refusal").putNull("annotations").putNull("audio").putNull("function_call");
        message.putArray("tool_calls");
        message.putNull("reasoning_content");
        return message;
    }

    static ObjectNode completion(ObjectNode message, String finishReason, Usage usage) {
        ObjectNode body = Json.object().put("id", "chatcmpl-97571fbda8267bd1").put("object", "chat.completion")
                .put("created", 1764923306).put("model", MODEL);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason).putNull("stop_reason").putNull("token_ids");
        body.putNull("service_tier").putNull("system_fingerprint");
        body.putObject("usage").put("prompt_tokens", usage.inputTokens()).put("total_tokens", usage.totalTokens())
                .put("completion_tokens", usage.outputTokens()).putNull("prompt_tokens_details");
        body.putNull("prompt_logprobs").putNull("kv_transfer_params");
        return body;
    }

    private static ObjectNode delta() {
        return Json.object();
    }

    private static String chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = Json.object().put("id", "chatcmpl-97571fbda8267bd1").put("object", "chat.completion.chunk")
                .put("created", 1764923306).put("model", MODEL);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        choice.putNull("stop_reason").putNull("token_ids");
        return chunk.toString();
    }

    private static String usageChunk(Usage usage) {
        ObjectNode chunk = Json.object().put("id", "chatcmpl-97571fbda8267bd1").put("object", "chat.completion.chunk")
                .put("created", 1764923306).put("model", MODEL);
        chunk.putArray("choices");
        chunk.putObject("usage").put("prompt_tokens", usage.inputTokens()).put("total_tokens", usage.totalTokens())
                .put("completion_tokens", usage.outputTokens());
        return chunk.toString();
    }
}
