package dev.switchboard.provider.replicate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.testkit.ProviderContractTest;
import dev.switchboard.testkit.RequestSchemas;
import dev.switchboard.testkit.Sse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The provider contract, with Replicate's prediction API stubbed as its reference documents it: a create answered
 * (with {@code Prefer: wait}) by the finished prediction; for streams, a created prediction whose {@code urls.stream}
 * serves the events, then the finished prediction with its metrics.
 */
class ReplicateContractTest extends ProviderContractTest {

    @Override
    protected RequestSchemas requestSchemas() {
        return ReplicateTestSupport.SCHEMAS;
    }

    private static final String MODEL = "meta/meta-llama-3-8b-instruct";
    private static final String CREATE = "/v1/models/" + MODEL + "/predictions";
    private static final String ID = "contract0prediction0id";

    @Override
    protected LlmProvider createProvider(Target target) {
        return new ReplicateProviderFactory().create(
                target.settings("replicate").baseUrl(target.baseUrl() + "/v1").model(MODEL).build(), target.context());
    }

    @Override
    protected void stubChat(WireMockServer server, String text, Usage usage) {
        ObjectNode prediction = prediction(server, "succeeded", usage);
        prediction.putArray("output").add("").add(text);
        server.stubFor(post(urlPathEqualTo(CREATE)).willReturn(created(prediction)));
    }

    @Override
    protected void stubStream(WireMockServer server, List<String> pieces, Usage usage) {
        server.stubFor(post(urlPathEqualTo(CREATE)).willReturn(created(prediction(server, "starting", null))));
        Sse.Builder events = Sse.builder();
        for (String p : pieces) {
            events.event("output", p);
        }
        server.stubFor(get(urlPathEqualTo("/stream/" + ID)).willReturn(Sse.ok(events.event("done", "{}").build())));
        ObjectNode finished = prediction(server, "succeeded", usage);
        finished.putArray("output").add(String.join("", pieces));
        server.stubFor(get(urlPathEqualTo("/v1/predictions/" + ID)).willReturn(okJson(finished.toString())));
        stubCancel(server);
    }

    /** A stream given up early cancels its prediction. */
    private static void stubCancel(WireMockServer server) {
        server.stubFor(post(urlPathEqualTo("/v1/predictions/" + ID + "/cancel"))
                .willReturn(okJson(prediction(server, "canceled", null).toString())));
    }

    @Override
    protected void stubStreamCutAfterFirstPiece(WireMockServer server, List<String> pieces) {
        server.stubFor(post(urlPathEqualTo(CREATE)).willReturn(created(prediction(server, "starting", null))));
        stubCancel(server);
        server.stubFor(get(urlPathEqualTo("/stream/" + ID)).willReturn(Sse.ok(Sse.builder().event("output", pieces.get(0)).build())));
    }

    @Override
    protected void stubError(WireMockServer server, int status, Map<String, String> headers, String message) {
        ObjectNode body = Json.object().put("title", "Error").put("detail", message).put("status", status);
        ResponseDefinitionBuilder response = aResponse().withStatus(status)
                .withHeader("Content-Type", "application/problem+json").withBody(body.toString());
        headers.forEach(response::withHeader);
        server.stubFor(post(urlPathEqualTo(CREATE)).willReturn(response));
    }

    @Override
    protected void stubModels(WireMockServer server, List<String> ids) {
        ObjectNode body = Json.object().put("name", "Language models").put("slug", "language-models");
        ArrayNode models = body.putArray("models");
        for (String id : ids) {
            int slash = id.indexOf('/');
            models.addObject().put("owner", id.substring(0, slash)).put("name", id.substring(slash + 1)).put("visibility", "public");
        }
        server.stubFor(get(urlPathEqualTo("/v1/collections/language-models")).willReturn(okJson(body.toString())));
    }

    /** The contract's listing check with Replicate's model names, which are always {@code owner/name}. */
    @Test
    @Override
    public void modelListNamesTheOfferedModels() {
        stubModels(server(), List.of("meta/model-a", "mistralai/model-b"));
        LlmProvider provider = createProvider(new Target(PROVIDER_NAME, "http://127.0.0.1:" + server().port(), API_KEY,
                ProviderContext.of(listingTransport)));

        List<ModelInfo> models = provider.listModels();

        assertThat(models).extracting(ModelInfo::id).containsExactly("meta/model-a", "mistralai/model-b");
        assertThat(models).extracting(ModelInfo::provider).containsOnly(PROVIDER_NAME);
    }

    /** The suite's own provider is private to it; this check makes one on a transport of its own. */
    private final HttpTransport listingTransport = HttpTransport.create();

    @AfterAll
    void closeListingTransport() {
        listingTransport.close();
    }

    private static ObjectNode prediction(WireMockServer server, String status, Usage usage) {
        String base = "http://127.0.0.1:" + server.port();
        ObjectNode p = Json.object().put("id", ID).put("model", MODEL).put("status", status);
        p.putNull("error");
        ObjectNode metrics = p.putObject("metrics");
        if (usage != null) {
            metrics.put("input_token_count", usage.inputTokens()).put("output_token_count", usage.outputTokens());
        }
        p.putObject("urls").put("get", base + "/v1/predictions/" + ID).put("cancel", base + "/v1/predictions/" + ID + "/cancel")
                .put("stream", base + "/stream/" + ID);
        return p;
    }

    private static ResponseDefinitionBuilder created(ObjectNode prediction) {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(prediction.toString());
    }
}
