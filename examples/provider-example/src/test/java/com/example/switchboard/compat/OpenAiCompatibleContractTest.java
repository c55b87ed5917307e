package com.example.switchboard.compat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
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
 * The plugin keeps Switchboard's provider contract: the testkit's suite runs against a loopback stub speaking the
 * OpenAI wire format as the API reference documents it (chat completion object, chunk object with the
 * {@code stream_options.include_usage} chunk, embeddings list, models list, {@code {"error": {...}}} errors).
 */
class OpenAiCompatibleContractTest extends ProviderContractTest {

    static final String MODEL = "served-model";
    private static final String CHAT = "/v1/chat/completions";

    /** The type's defaults, as the runtime would merge them under the user's block. */
    static Config defaults() {
        return ConfigFactory.parseResources(OpenAiCompatibleContractTest.class.getClassLoader(), "reference.conf")
                .getConfig("switchboard.provider-defaults.openai-style");
    }

    @Override
    protected LlmProvider createProvider(Target target) {
        return new OpenAiCompatibleProviderFactory().create(target.settings("openai-style")
                .baseUrl(target.baseUrl() + "/v1").model(MODEL).embeddingModel("served-embedding-model")
                .config(defaults()).build(), target.context());
    }

    @Override
    protected void stubChat(WireMockServer server, String text, Usage usage) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("role", "assistant").put("content", text);
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
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(
                chunk(delta().put("role", "assistant").put("content", ""), null),
                chunk(delta().put("content", pieces.get(0)), null)))));
    }

    @Override
    protected void stubError(WireMockServer server, int status, Map<String, String> headers, String message) {
        ObjectNode error = Json.MAPPER.createObjectNode().put("message", message);
        String[] typeAndCode = switch (status) {
            case 401 -> new String[] {"invalid_request_error", "invalid_api_key"};
            case 404 -> new String[] {"invalid_request_error", "model_not_found"};
            case 429 -> new String[] {"requests", "rate_limit_exceeded"};
            case 500 -> new String[] {"server_error", null};
            default -> new String[] {"invalid_request_error", null};
        };
        error.put("type", typeAndCode[0]).putNull("param").put("code", typeAndCode[1]);
        ResponseDefinitionBuilder response = aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(Json.MAPPER.createObjectNode().set("error", error).toString());
        headers.forEach(response::withHeader);
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(response));
    }

    @Override
    protected void stubToolCalls(WireMockServer server, List<ToolCall> calls, boolean streamed) {
        if (!streamed) {
            ObjectNode message = Json.MAPPER.createObjectNode().put("role", "assistant");
            message.putNull("content");
            ArrayNode toolCalls = message.putArray("tool_calls");
            for (ToolCall c : calls) {
                toolCalls.addObject().put("id", c.id()).put("type", "function")
                        .putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
            server.stubFor(post(urlPathEqualTo(CHAT))
                    .willReturn(okJson(completion(message, "tool_calls", Usage.of(80, 20)).toString())));
            return;
        }
        // As the API streams calls: id, type and name with empty arguments first, then the arguments in two fragments.
        List<String> chunks = new ArrayList<>();
        chunks.add(chunk(delta().put("role", "assistant"), null));
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            ObjectNode first = delta();
            first.putArray("tool_calls").addObject().put("index", i).put("id", c.id()).put("type", "function")
                    .putObject("function").put("name", c.name()).put("arguments", "");
            chunks.add(chunk(first, null));
            int half = c.arguments().length() / 2;
            for (String fragment : new String[] {c.arguments().substring(0, half), c.arguments().substring(half)}) {
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
        ObjectNode body = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            ArrayNode embedding = data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
            for (float v : vectors.get(i)) {
                embedding.add(v);
            }
        }
        body.put("model", "served-embedding-model");
        body.putObject("usage").put("prompt_tokens", 8).put("total_tokens", 8);
        server.stubFor(post(urlPathEqualTo("/v1/embeddings")).willReturn(okJson(body.toString())));
    }

    @Override
    protected void stubModels(WireMockServer server, List<String> ids) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (String id : ids) {
            data.addObject().put("id", id).put("object", "model").put("created", 1686935002).put("owned_by", "organization-owner");
        }
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(okJson(body.toString())));
    }

    private static ObjectNode completion(ObjectNode message, String finishReason, Usage usage) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", "chatcmpl-example").put("object", "chat.completion")
                .put("created", 1741570283).put("model", MODEL);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        body.set("usage", usage(usage));
        return body;
    }

    private static ObjectNode delta() {
        return Json.MAPPER.createObjectNode();
    }

    private static String chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = chunkHead();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return chunk.toString();
    }

    private static String usageChunk(Usage usage) {
        ObjectNode chunk = chunkHead();
        chunk.putArray("choices");
        chunk.set("usage", usage(usage));
        return chunk.toString();
    }

    private static ObjectNode chunkHead() {
        return Json.MAPPER.createObjectNode().put("id", "chatcmpl-example").put("object", "chat.completion.chunk")
                .put("created", 1694268190).put("model", MODEL);
    }

    private static ObjectNode usage(Usage usage) {
        return Json.MAPPER.createObjectNode().put("prompt_tokens", usage.inputTokens())
                .put("completion_tokens", usage.outputTokens()).put("total_tokens", usage.totalTokens());
    }
}
