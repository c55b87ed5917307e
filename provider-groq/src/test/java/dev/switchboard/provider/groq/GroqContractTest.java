package dev.switchboard.provider.groq;

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

/**
 * The provider contract, with Groq's wire format stubbed as its API reference documents it: usage of a stream only in
 * the last chunk's {@code x_groq.usage}, errors as {@code {"error": {message, type, code}}}.
 */
class GroqContractTest extends ProviderContractTest {

    @Override
    protected RequestSchemas requestSchemas() {
        return GroqTestSupport.SCHEMAS;
    }

    private static final String CHAT = GroqTestSupport.CHAT;
    private static final String MODEL = "llama-3.3-70b-versatile";

    @Override
    protected LlmProvider createProvider(Target target) {
        return new GroqProviderFactory().create(
                target.settings("groq").baseUrl(target.baseUrl() + "/openai/v1").model(MODEL).build(), target.context());
    }

    @Override
    protected void stubChat(WireMockServer server, String text, Usage usage) {
        ObjectNode message = Json.object().put("role", "assistant").put("content", text);
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(completion(message, "stop", usage).toString())));
    }

    @Override
    protected void stubStream(WireMockServer server, List<String> pieces, Usage usage) {
        List<String> chunks = new ArrayList<>();
        ObjectNode first = chunk(delta().put("role", "assistant").put("content", ""), null);
        first.putObject("x_groq").put("id", "req_contract").put("seed", 1535227698);
        chunks.add(first.toString());
        for (String p : pieces) {
            chunks.add(chunk(delta().put("content", p), null).toString());
        }
        chunks.add(lastChunk("stop", usage).toString());
        chunks.add("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(chunks))));
    }

    @Override
    protected void stubStreamCutAfterFirstPiece(WireMockServer server, List<String> pieces) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(
                chunk(delta().put("role", "assistant").put("content", ""), null).toString(),
                chunk(delta().put("content", pieces.get(0)), null).toString()))));
    }

    @Override
    protected void stubError(WireMockServer server, int status, Map<String, String> headers, String message) {
        ObjectNode error = Json.object().put("message", message);
        switch (status) {
            case 401 -> error.put("type", "invalid_request_error").put("code", "invalid_api_key");
            case 404 -> error.put("type", "invalid_request_error").put("code", "model_not_found");
            case 429 -> error.put("type", "tokens").put("code", "rate_limit_exceeded");
            default -> error.put("type", "internal_server_error");
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
            ArrayNode toolCalls = message.putArray("tool_calls");
            for (ToolCall c : calls) {
                ObjectNode call = toolCalls.addObject().put("id", c.id()).put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
            server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(completion(message, "tool_calls", Usage.of(218, 15)).toString())));
            return;
        }
        // As Groq streams them: id, name and the first piece of the arguments together, then the rest in pieces.
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            String args = c.arguments();
            int third = args.length() / 3;
            ObjectNode first = delta();
            ObjectNode call = first.putArray("tool_calls").addObject().put("index", i).put("id", c.id()).put("type", "function");
            call.putObject("function").put("name", c.name()).put("arguments", args.substring(0, third));
            chunks.add(chunk(first, null).toString());
            for (String fragment : new String[] {args.substring(third, 2 * third), args.substring(2 * third)}) {
                ObjectNode more = delta();
                more.putArray("tool_calls").addObject().put("index", i).putObject("function").put("arguments", fragment);
                chunks.add(chunk(more, null).toString());
            }
        }
        chunks.add(lastChunk("tool_calls", Usage.of(18, 439)).toString());
        chunks.add("[DONE]");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(chunks))));
    }

    @Override
    protected void stubModels(WireMockServer server, List<String> ids) {
        ObjectNode body = Json.object().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (String id : ids) {
            data.addObject().put("id", id).put("object", "model").put("created", 1693721698).put("owned_by", "Meta")
                    .put("active", true).put("context_window", 131072).putNull("public_apps");
        }
        server.stubFor(get(urlPathEqualTo("/openai/v1/models")).willReturn(okJson(body.toString())));
    }

    private static ObjectNode completion(ObjectNode message, String finishReason, Usage usage) {
        ObjectNode body = Json.object().put("id", "chatcmpl-contract").put("object", "chat.completion")
                .put("created", 1730241104).put("model", MODEL);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        body.set("usage", usage(usage));
        body.putObject("x_groq").put("id", "req_contract");
        return body;
    }

    private static ObjectNode delta() {
        return Json.object();
    }

    private static ObjectNode chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = Json.object().put("id", "chatcmpl-contract").put("object", "chat.completion.chunk")
                .put("created", 1770770839).put("model", MODEL).put("system_fingerprint", "fp_f8b414701e");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    /** Groq's last chunk: the finish reason, and the usage only inside {@code x_groq}. */
    private static ObjectNode lastChunk(String finishReason, Usage usage) {
        ObjectNode last = chunk(delta(), finishReason);
        last.putObject("x_groq").put("id", "req_contract").set("usage", usage(usage));
        return last;
    }

    private static ObjectNode usage(Usage usage) {
        return Json.object()
                .put("queue_time", 0.041905864)
                .put("prompt_tokens", usage.inputTokens())
                .put("prompt_time", 0.003940145)
                .put("completion_tokens", usage.outputTokens())
                .put("completion_time", 2.652230333)
                .put("total_tokens", usage.totalTokens());
    }
}
