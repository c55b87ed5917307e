package dev.switchboard.provider.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.typesafe.config.ConfigFactory;
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

/**
 * The provider contract, with Azure OpenAI's classic deployment routes stubbed as Microsoft documents them: streams
 * that open with a filter-only chunk and carry annotation-only chunks, errors as {@code {"error": {code, message}}}.
 */
class AzureContractTest extends ProviderContractTest {

    @Override
    protected RequestSchemas requestSchemas() {
        return AzureTestSupport.SCHEMAS;
    }

    private static final String DEPLOYMENTS = "/openai/deployments/";
    private static final String CHAT = DEPLOYMENTS + "chat-deployment/chat/completions";
    private static final String FILTER_RESULTS = "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
            + "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},"
            + "\"violence\":{\"filtered\":false,\"severity\":\"safe\"}}";

    @Override
    protected LlmProvider createProvider(Target target) {
        return new AzureOpenAiProviderFactory().create(target.settings("azure-openai").model("gpt-4o")
                .embeddingModel("text-embedding-3-small")
                .options((ConfigFactory.parseMap(Map.of("deployments", Map.of("gpt-4o", "chat-deployment",
                        "text-embedding-3-small", "embedding-deployment")))).root().unwrapped())
                .build(), target.context());
    }

    @Override
    protected void stubChat(WireMockServer server, String text, Usage usage) {
        ObjectNode message = Json.object().put("role", "assistant").put("content", text);
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(completion(message, "stop", usage).toString())));
    }

    @Override
    protected void stubStream(WireMockServer server, List<String> pieces, Usage usage) {
        List<String> chunks = new ArrayList<>();
        chunks.add(promptFilterChunk());
        chunks.add(chunk(delta().put("role", "assistant"), null));
        for (String p : pieces) {
            chunks.add(chunk(delta().put("content", p), null));
            chunks.add(annotationChunk());
        }
        chunks.add(chunk(delta(), "stop"));
        chunks.add(usageChunk(usage));
        chunks.add("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(chunks))));
    }

    @Override
    protected void stubStreamCutAfterFirstPiece(WireMockServer server, List<String> pieces) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(promptFilterChunk(),
                chunk(delta().put("role", "assistant"), null), chunk(delta().put("content", pieces.get(0)), null)))));
    }

    @Override
    protected void stubError(WireMockServer server, int status, Map<String, String> headers, String message) {
        String code = switch (status) {
            case 404 -> "DeploymentNotFound";
            case 500 -> "InternalServerError";
            default -> String.valueOf(status);
        };
        ResponseDefinitionBuilder response = aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withHeader("apim-request-id", "00000000-0000-4000-8000-000000000000")
                .withBody(Json.object().set("error",
                        Json.object().put("code", code).put("message", message)).toString());
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
        List<String> chunks = new ArrayList<>();
        chunks.add(promptFilterChunk());
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
        chunks.add("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(chunks))));
    }

    @Override
    protected void stubEmbeddings(WireMockServer server, List<float[]> vectors) {
        ObjectNode body = Json.object().put("object", "list").put("model", "text-embedding-3-small");
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            ArrayNode embedding = data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
            for (float v : vectors.get(i)) {
                embedding.add(v);
            }
        }
        body.putObject("usage").put("prompt_tokens", 4).put("total_tokens", 4);
        server.stubFor(post(urlPathEqualTo(DEPLOYMENTS + "embedding-deployment/embeddings")).willReturn(okJson(body.toString())));
    }

    @Override
    protected void stubModels(WireMockServer server, List<String> ids) {
        ObjectNode body = Json.object().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (String id : ids) {
            data.addObject().put("id", id).put("status", "succeeded").put("lifecycle_status", "generally-available")
                    .put("created_at", 1715558400).put("object", "model");
        }
        server.stubFor(get(urlPathEqualTo("/openai/models")).willReturn(okJson(body.toString())));
    }

    private static ObjectNode completion(ObjectNode message, String finishReason, Usage usage) {
        ObjectNode body = Json.object().put("id", "chatcmpl-contract").put("object", "chat.completion")
                .put("created", 1699386280).put("model", "gpt-4o-2024-08-06");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", finishReason);
        choice.set("message", message);
        choice.set("content_filter_results", Json.parse(FILTER_RESULTS, "filter results"));
        body.putArray("prompt_filter_results").addObject().put("prompt_index", 0)
                .set("content_filter_results", Json.parse(FILTER_RESULTS, "filter results"));
        body.set("usage", usage(usage));
        return body;
    }

    private static ObjectNode delta() {
        return Json.object();
    }

    private static String promptFilterChunk() {
        return "{\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"prompt_filter_results\":[{\"prompt_index\":0,"
                + "\"content_filter_results\":" + FILTER_RESULTS + "}],\"choices\":[],\"usage\":null}";
    }

    private static String annotationChunk() {
        return "{\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"choices\":[{\"index\":0,\"finish_reason\":null,"
                + "\"content_filter_results\":" + FILTER_RESULTS + ",\"content_filter_offsets\":{\"check_offset\":44,"
                + "\"start_offset\":44,\"end_offset\":198}}],\"usage\":null}";
    }

    private static String chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = chunkHead();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        choice.set("delta", delta);
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
        return Json.object().put("id", "chatcmpl-contract").put("object", "chat.completion.chunk")
                .put("created", 1692913344).put("model", "gpt-4o-2024-08-06");
    }

    private static ObjectNode usage(Usage usage) {
        return Json.object()
                .put("prompt_tokens", usage.inputTokens())
                .put("completion_tokens", usage.outputTokens())
                .put("total_tokens", usage.totalTokens());
    }
}
