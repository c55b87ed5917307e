package dev.switchboard.provider.ollama;

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
import dev.switchboard.testkit.Ndjson;
import dev.switchboard.testkit.ProviderContractTest;
import dev.switchboard.testkit.RequestSchemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The provider contract, with Ollama's native API stubbed as docs/api.md documents it: NDJSON lines ending in one
 * with {@code done: true} and the counts, tool calls whole with object arguments and no ids, errors as
 * {@code {"error": "..."}}.
 */
class OllamaContractTest extends ProviderContractTest {

    @Override
    protected RequestSchemas requestSchemas() {
        return OllamaTestSupport.SCHEMAS;
    }

    private static final String CHAT = "/api/chat";
    private static final String MODEL = "llama3.2";

    @Override
    protected LlmProvider createProvider(Target target) {
        return new OllamaProviderFactory().create(target.settings("ollama").model(MODEL).embeddingModel("all-minilm").build(),
                target.context());
    }

    @Override
    protected boolean toolCallIdsComeFromTheWire() {
        return false; // Ollama's tool calls carry no ids; the provider numbers them
    }

    @Override
    protected void stubChat(WireMockServer server, String text, Usage usage) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(last(message(text), usage).toString())));
    }

    @Override
    protected void stubStream(WireMockServer server, List<String> pieces, Usage usage) {
        List<String> lines = new ArrayList<>();
        for (String p : pieces) {
            lines.add(line(message(p)).toString());
        }
        lines.add(last(message(""), usage).toString());
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Ndjson.ok(Ndjson.of(lines))));
    }

    @Override
    protected void stubStreamCutAfterFirstPiece(WireMockServer server, List<String> pieces) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Ndjson.ok(Ndjson.of(line(message(pieces.get(0))).toString()))));
    }

    @Override
    protected void stubError(WireMockServer server, int status, Map<String, String> headers, String message) {
        String text = status == 404 ? "model \"" + MODEL + "\" not found, try pulling it first (" + message + ")" : message;
        ResponseDefinitionBuilder response = aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(Json.object().put("error", text).toString());
        headers.forEach(response::withHeader);
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(response));
    }

    @Override
    protected void stubToolCalls(WireMockServer server, List<ToolCall> calls, boolean streamed) {
        ObjectNode message = message("");
        ArrayNode toolCalls = message.putArray("tool_calls");
        for (ToolCall c : calls) {
            toolCalls.addObject().putObject("function").put("name", c.name()).set("arguments", Json.parse(c.arguments(), "arguments"));
        }
        if (!streamed) {
            server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(last(message, Usage.of(122, 33)).toString())));
            return;
        }
        // Ollama streams tool calls whole, in a line of their own before the final one.
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Ndjson.ok(Ndjson.of(
                line(message).toString(), last(message(""), Usage.of(122, 33)).toString()))));
    }

    @Override
    protected void stubEmbeddings(WireMockServer server, List<float[]> vectors) {
        ObjectNode body = Json.object().put("model", "all-minilm");
        ArrayNode embeddings = body.putArray("embeddings");
        for (float[] vector : vectors) {
            ArrayNode v = embeddings.addArray();
            for (float x : vector) {
                v.add(x);
            }
        }
        body.put("prompt_eval_count", 8);
        server.stubFor(post(urlPathEqualTo("/api/embed")).willReturn(okJson(body.toString())));
    }

    @Override
    protected void stubModels(WireMockServer server, List<String> ids) {
        ObjectNode body = Json.object();
        ArrayNode models = body.putArray("models");
        for (String id : ids) {
            ObjectNode m = models.addObject().put("name", id).put("model", id).put("size", 3825819519L);
            m.putObject("details").put("format", "gguf").put("family", "llama").put("parameter_size", "7B");
        }
        server.stubFor(get(urlPathEqualTo("/api/tags")).willReturn(okJson(body.toString())));
    }

    private static ObjectNode message(String content) {
        return Json.object().put("role", "assistant").put("content", content);
    }

    private static ObjectNode line(ObjectNode message) {
        ObjectNode line = Json.object().put("model", MODEL).put("created_at", "2023-08-04T08:52:19.385406455-07:00");
        line.set("message", message);
        line.put("done", false);
        return line;
    }

    private static ObjectNode last(ObjectNode message, Usage usage) {
        ObjectNode line = line(message);
        line.put("done_reason", "stop").put("done", true).put("total_duration", 4883583458L)
                .put("prompt_eval_count", usage.inputTokens()).put("eval_count", usage.outputTokens());
        return line;
    }
}
