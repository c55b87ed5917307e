package dev.switchboard.provider.openai;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The provider contract, with OpenAI's wire format stubbed as the API reference documents it. */
class OpenAiContractTest extends ProviderContractTest {

    @Override
    protected RequestSchemas requestSchemas() {
        return OpenAiTestSupport.SCHEMAS;
    }

    private static final String CHAT = "/v1/chat/completions";
    private static final String MODEL = "gpt-4o-mini";

    @Override
    protected LlmProvider createProvider(Target target) {
        return new OpenAiProviderFactory().create(
                target.settings("openai").baseUrl(target.baseUrl() + "/v1")
                        .model(MODEL).embeddingModel("text-embedding-3-small").build(),
                target.context());
    }

    @Override
    protected void stubChat(WireMockServer server, String text, Usage usage) {
        ObjectNode message = Json.object().put("role", "assistant").put("content", text);
        message.putNull("refusal");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(completion(message, "stop", usage).toString())));
    }

    @Override
    protected void stubStream(WireMockServer server, List<String> pieces, Usage usage) {
        List<String> chunks = new ArrayList<>();
        chunks.add(chunk(delta().put("role", "assistant").put("content", ""), null));
        for (String p : pieces) {
            chunks.add(chunk(delta().put("content", p), null));
        }
        chunks.add(chunk(delta(), "stop"));
        chunks.add(usageChunk(usage));
        chunks.add("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(chunks))));
    }

    @Override
    protected void stubStreamCutAfterFirstPiece(WireMockServer server, List<String> pieces) {
        String body = Sse.data(
                chunk(delta().put("role", "assistant").put("content", ""), null),
                chunk(delta().put("content", pieces.get(0)), null));
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(body)));
    }

    @Override
    protected void stubError(WireMockServer server, int status, Map<String, String> headers, String message) {
        ObjectNode error = Json.object().put("message", message);
        switch (status) {
            case 401 -> error.put("type", "invalid_request_error").putNull("param").put("code", "invalid_api_key");
            case 404 -> error.put("type", "invalid_request_error").putNull("param").put("code", "model_not_found");
            case 429 -> error.put("type", "requests").putNull("param").put("code", "rate_limit_exceeded");
            case 500 -> error.put("type", "server_error").putNull("param").putNull("code");
            default -> error.put("type", "invalid_request_error").putNull("param").putNull("code");
        }
        ResponseDefinitionBuilder response = aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
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
                ObjectNode call = toolCalls.addObject().put("id", c.id()).put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
            server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(completion(message, "tool_calls", Usage.of(80, 20)).toString())));
            return;
        }
        // As the API streams them: id, type and name with empty arguments first, then the arguments in fragments.
        List<String> chunks = new ArrayList<>();
        ObjectNode roleDelta = delta().put("role", "assistant");
        roleDelta.putNull("content");
        chunks.add(chunk(roleDelta, null));
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            ObjectNode first = delta();
            ObjectNode call = first.putArray("tool_calls").addObject().put("index", i).put("id", c.id()).put("type", "function");
            call.putObject("function").put("name", c.name()).put("arguments", "");
            chunks.add(chunk(first, null));
            String args = c.arguments();
            int half = args.length() / 2;
            for (String fragment : new String[] {args.substring(0, half), args.substring(half)}) {
                ObjectNode more = delta();
                more.putArray("tool_calls").addObject().put("index", i).putObject("function").put("arguments", fragment);
                chunks.add(chunk(more, null));
            }
        }
        chunks.add(chunk(delta(), "tool_calls"));
        chunks.add(usageChunk(Usage.of(80, 20)));
        chunks.add("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(chunks))));
    }

    @Override
    protected void stubEmbeddings(WireMockServer server, List<float[]> vectors) {
        ObjectNode body = Json.object().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            ArrayNode embedding = item.putArray("embedding");
            for (float v : vectors.get(i)) {
                embedding.add(v);
            }
        }
        body.put("model", "text-embedding-3-small");
        body.putObject("usage").put("prompt_tokens", 4).put("total_tokens", 4);
        server.stubFor(post(urlPathEqualTo("/v1/embeddings")).willReturn(okJson(body.toString())));
    }

    @Override
    protected void stubModels(WireMockServer server, List<String> ids) {
        ObjectNode body = Json.object().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (String id : ids) {
            data.addObject().put("id", id).put("object", "model").put("created", 1686935002).put("owned_by", "openai");
        }
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(okJson(body.toString())));
    }

    private static ObjectNode completion(ObjectNode message, String finishReason, Usage usage) {
        ObjectNode body = Json.object()
                .put("id", "chatcmpl-contract").put("object", "chat.completion").put("created", 1741570283).put("model", MODEL);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        body.set("usage", usage(usage));
        return body;
    }

    private static ObjectNode delta() {
        return Json.object();
    }

    private static String chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = chunkHead();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        chunk.putNull("usage");
        return chunk.toString();
    }

    private static String usageChunk(Usage usage) {
        ObjectNode chunk = chunkHead();
        chunk.putArray("choices");
        chunk.set("usage", usage(usage));
        return chunk.toString();
    }

    private static ObjectNode chunkHead() {
        return Json.object()
                .put("id", "chatcmpl-contract").put("object", "chat.completion.chunk").put("created", 1694268190).put("model", MODEL);
    }

    private static ObjectNode usage(Usage usage) {
        return Json.object()
                .put("prompt_tokens", usage.inputTokens())
                .put("completion_tokens", usage.outputTokens())
                .put("total_tokens", usage.totalTokens());
    }
}
