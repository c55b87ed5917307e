package dev.switchboard.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.switchboard.testkit.Fixtures;
import dev.switchboard.testkit.Sse;

/** A loopback WireMock server speaking OpenAI's wire format under per-provider path prefixes ({@code /<name>/v1}). */
final class OpenAiStub implements AutoCloseable {

    static final String STREAM = "fixtures/openai/chat-stream-text.sse";
    static final String COMPLETION = "fixtures/openai/chat-completion.json";

    final WireMockServer server;

    OpenAiStub() {
        server = new WireMockServer(WireMockConfiguration.wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    /** The base URL a provider named {@code name} is given. */
    String baseUrl(String name) {
        return "http://127.0.0.1:" + server.port() + "/" + name + "/v1";
    }

    /** {@code name} answers chat (streamed and not), embeddings and the model list with the documented examples. */
    OpenAiStub answering(String name) {
        String chat = "/" + name + "/v1/chat/completions";
        // A streamed request matches the first stub; any other chat request the second.
        server.stubFor(post(urlPathEqualTo(chat)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(Sse.ok(Fixtures.load(STREAM))));
        server.stubFor(post(urlPathEqualTo(chat)).atPriority(5).willReturn(okJson(Fixtures.load(COMPLETION))));
        server.stubFor(post(urlPathEqualTo("/" + name + "/v1/embeddings"))
                .willReturn(okJson(Fixtures.load("fixtures/openai/embeddings.json"))));
        server.stubFor(get(urlPathEqualTo("/" + name + "/v1/models"))
                .willReturn(okJson(Fixtures.load("fixtures/openai/models.json"))));
        return this;
    }

    /** Every call to {@code name} fails with HTTP {@code status} and the documented error body. */
    OpenAiStub failing(String name, int status, String fixture) {
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/" + name + "/v1/.*"))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                        .withBody(Fixtures.load(fixture))));
        return this;
    }

    void reset() {
        server.resetAll();
    }

    @Override
    public void close() {
        server.stop();
    }
}
