package com.example.switchboard.parrot;

import static com.example.switchboard.parrot.ParrotStubs.GENERATE;
import static com.example.switchboard.parrot.ParrotStubs.MODELS;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.ProviderContractTest;
import dev.switchboard.testkit.Sse;
import java.util.List;
import java.util.Map;

/**
 * The plugin keeps Switchboard's provider contract: the testkit's suite runs against a loopback server answering in
 * the Parrot API's shapes. As Parrot declares no embeddings, the suite also checks that they are refused before any
 * request is sent.
 */
class ParrotContractTest extends ProviderContractTest {

    @Override
    protected LlmProvider createProvider(Target target) {
        return new ParrotProviderFactory().create(
                ParrotStubs.settings(target.name(), target.baseUrl(), "").apiKey(target.apiKey()).timeouts(TIMEOUTS).build(),
                target.context());
    }

    @Override
    protected void stubChat(WireMockServer server, String text, Usage usage) {
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(okJson(ParrotStubs.generation(text, List.of(), "complete", usage))));
    }

    @Override
    protected void stubStream(WireMockServer server, List<String> pieces, Usage usage) {
        Sse.Builder body = Sse.builder().event("begin", ParrotStubs.begin());
        pieces.forEach(p -> body.event("text", ParrotStubs.text(p)));
        body.event("done", ParrotStubs.done("complete", usage));
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(Sse.ok(body.build())));
    }

    @Override
    protected void stubStreamCutAfterFirstPiece(WireMockServer server, List<String> pieces) {
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(Sse.ok(Sse.builder()
                .event("begin", ParrotStubs.begin()).event("text", ParrotStubs.text(pieces.get(0))).build())));
    }

    @Override
    protected void stubError(WireMockServer server, int status, Map<String, String> headers, String message) {
        String reason = switch (status) {
            case 401 -> "bad_key";
            case 404 -> "no_such_model";
            case 429 -> "slow_down";
            case 500 -> "internal";
            default -> "bad_request";
        };
        ResponseDefinitionBuilder response = aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(ParrotStubs.fault(reason, message, -1));
        headers.forEach(response::withHeader);
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(response));
    }

    /** Parrot sends each call whole, in one {@code call} event, so arguments never come in fragments. */
    @Override
    protected void stubToolCalls(WireMockServer server, List<ToolCall> calls, boolean streamed) {
        Usage usage = Usage.of(80, 20);
        if (!streamed) {
            server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(okJson(ParrotStubs.generation("", calls, "tool_calls", usage))));
            return;
        }
        Sse.Builder body = Sse.builder().event("begin", ParrotStubs.begin());
        calls.forEach(c -> body.event("call", ParrotStubs.call(c).toString()));
        body.event("done", ParrotStubs.done("tool_calls", usage));
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(Sse.ok(body.build())));
    }

    @Override
    protected void stubModels(WireMockServer server, List<String> ids) {
        ObjectNode body = Json.object();
        ids.forEach(id -> body.withArray("models").addObject().put("id", id).put("kind", "chat").put("context_tokens", 32000));
        server.stubFor(get(urlPathEqualTo(MODELS)).willReturn(okJson(body.toString())));
    }
}
