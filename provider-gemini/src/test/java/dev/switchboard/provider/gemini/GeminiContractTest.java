package dev.switchboard.provider.gemini;

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

/** The provider contract, with Gemini's wire format stubbed as the API reference documents it. */
class GeminiContractTest extends ProviderContractTest {

    @Override
    protected RequestSchemas requestSchemas() {
        return GeminiTestSupport.SCHEMAS;
    }

    private static final String MODEL = "gemini-2.5-flash";
    private static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    private static final String STREAM = "/v1beta/models/" + MODEL + ":streamGenerateContent";

    @Override
    protected LlmProvider createProvider(Target target) {
        return new GeminiProviderFactory().create(
                target.settings("gemini").baseUrl(target.baseUrl() + "/v1beta")
                        .model(MODEL).embeddingModel("gemini-embedding-001").build(),
                target.context());
    }

    /** Gemini's function calls carry no id: the provider makes them up. */
    @Override
    protected boolean toolCallIdsComeFromTheWire() {
        return false;
    }

    @Override
    protected void stubChat(WireMockServer server, String text, Usage usage) {
        ObjectNode body = response(List.of(textPart(text)), "STOP", usage);
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(okJson(body.toString())));
    }

    @Override
    protected void stubStream(WireMockServer server, List<String> pieces, Usage usage) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            boolean last = i == pieces.size() - 1;
            events.add(response(List.of(textPart(pieces.get(i))), last ? "STOP" : null, last ? usage : null).toString());
        }
        server.stubFor(post(urlPathEqualTo(STREAM)).willReturn(Sse.ok(Sse.data(events))));
    }

    /** No end marker to leave out: the body closes cleanly before any fragment carried a finish reason. */
    @Override
    protected void stubStreamCutAfterFirstPiece(WireMockServer server, List<String> pieces) {
        String body = Sse.data(response(List.of(textPart(pieces.get(0))), null, null).toString());
        server.stubFor(post(urlPathEqualTo(STREAM)).willReturn(Sse.ok(body)));
    }

    @Override
    protected void stubError(WireMockServer server, int status, Map<String, String> headers, String message) {
        String grpcStatus = switch (status) {
            case 401 -> "UNAUTHENTICATED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 500 -> "INTERNAL";
            default -> "INVALID_ARGUMENT";
        };
        ObjectNode error = Json.object().put("code", status).put("message", message).put("status", grpcStatus);
        ResponseDefinitionBuilder response = aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody(Json.object().set("error", error).toString());
        headers.forEach(response::withHeader);
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(response));
        server.stubFor(post(urlPathEqualTo(STREAM)).willReturn(response));
    }

    /** As the API sends them: whole {@code functionCall} parts with {@code args} objects, a STOP finish. */
    @Override
    protected void stubToolCalls(WireMockServer server, List<ToolCall> calls, boolean streamed) {
        List<ObjectNode> parts = new ArrayList<>();
        for (ToolCall c : calls) {
            ObjectNode part = Json.object();
            part.putObject("functionCall").put("name", c.name()).set("args", Json.parse(c.arguments(), "arguments"));
            parts.add(part);
        }
        if (!streamed) {
            server.stubFor(post(urlPathEqualTo(GENERATE))
                    .willReturn(okJson(response(parts, "STOP", Usage.of(80, 20)).toString())));
            return;
        }
        List<String> events = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            boolean last = i == parts.size() - 1;
            events.add(response(List.of(parts.get(i)), last ? "STOP" : null, last ? Usage.of(80, 20) : null).toString());
        }
        server.stubFor(post(urlPathEqualTo(STREAM)).willReturn(Sse.ok(Sse.data(events))));
    }

    @Override
    protected void stubEmbeddings(WireMockServer server, List<float[]> vectors) {
        ObjectNode body = Json.object();
        ArrayNode embeddings = body.putArray("embeddings");
        for (float[] vector : vectors) {
            ArrayNode values = embeddings.addObject().putArray("values");
            for (float v : vector) {
                values.add(v);
            }
        }
        server.stubFor(post(urlPathEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents"))
                .willReturn(okJson(body.toString())));
    }

    @Override
    protected void stubModels(WireMockServer server, List<String> ids) {
        ObjectNode body = Json.object();
        ArrayNode models = body.putArray("models");
        for (String id : ids) {
            models.addObject().put("name", "models/" + id).put("inputTokenLimit", 1048576)
                    .putArray("supportedGenerationMethods").add("generateContent");
        }
        server.stubFor(get(urlPathEqualTo("/v1beta/models")).willReturn(okJson(body.toString())));
    }

    private static ObjectNode textPart(String text) {
        return Json.object().put("text", text);
    }

    private static ObjectNode response(List<ObjectNode> parts, String finishReason, Usage usage) {
        ObjectNode body = Json.object();
        ObjectNode candidate = body.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        ArrayNode partArray = content.putArray("parts");
        parts.forEach(partArray::add);
        content.put("role", "model");
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        candidate.put("index", 0);
        if (usage != null) {
            body.putObject("usageMetadata").put("promptTokenCount", usage.inputTokens())
                    .put("candidatesTokenCount", usage.outputTokens()).put("totalTokenCount", usage.totalTokens());
        }
        body.put("modelVersion", MODEL).put("responseId", "contract-response");
        return body;
    }
}
