package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.switchboard.runtime.SwitchboardConfigException;
import dev.switchboard.testkit.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Browser access ({@code switchboard.gateway.cors}) through real HTTP requests as a browser sends them (preflight
 * included), with java.net.http: off by default, listed origins only, preflights without a key, the
 * {@code x-switchboard-*} headers exposed, and the configuration read strictly.
 */
@Timeout(60)
class CorsTest {

    private static final String APP = "https://app.example.com";
    private static final String CHAT = "/v1/chat/completions";
    private static final String ASK = "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private void start(String cors) {
        h = GatewayHarness.start("gateway.keys = [ \"" + GatewayHarness.KEY + "\" ]\n" + cors);
        h.upstream.stubFor(post("/primary/v1/chat/completions")
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.gateway.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The preflight a browser sends before a POST with a key and a JSON body. */
    private HttpResponse<String> preflight(String origin) throws Exception {
        return send("OPTIONS", CHAT, null, "Origin", origin, "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization, content-type, x-stainless-os");
    }

    private HttpResponse<String> ask(String origin) throws Exception {
        return send("POST", CHAT, ASK, "Origin", origin, "Content-Type", "application/json",
                "Authorization", "Bearer " + GatewayHarness.KEY);
    }

    /** A request that calls no provider: the model list. */
    private HttpResponse<String> models(String origin) throws Exception {
        return send("GET", "/v1/models", null, "Origin", origin, "Authorization", "Bearer " + GatewayHarness.KEY);
    }

    private static List<String> corsHeaders(HttpResponse<?> r) {
        return r.headers().map().keySet().stream().filter(n -> n.toLowerCase().startsWith("access-control-")).toList();
    }

    @Test
    void offByDefaultNoAnswerCarriesACorsHeader() throws Exception {
        start("");

        HttpResponse<String> pre = preflight(APP);
        HttpResponse<String> post = ask(APP);

        assertThat(pre.statusCode()).isEqualTo(401); // not a preflight to this gateway: it wants a key like any request
        assertThat(corsHeaders(pre)).isEmpty();
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(corsHeaders(post)).isEmpty();
    }

    @Test
    void aListedOriginsPreflightIsAnswered204WithoutAKey() throws Exception {
        start("gateway.cors.allowed-origins = [ \"" + APP + "\", \"http://localhost:5173\" ]");

        HttpResponse<String> pre = preflight(APP);

        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(pre.body()).isEmpty();
        assertThat(pre.headers().firstValue("access-control-allow-origin")).hasValue(APP);
        assertThat(pre.headers().firstValue("access-control-allow-methods")).hasValueSatisfying(m ->
                assertThat(m).contains("POST", "GET"));
        // allowed-headers = ["*"] (the default): whatever the page asked for, its SDK's own headers included
        assertThat(pre.headers().firstValue("access-control-allow-headers"))
                .hasValue("authorization, content-type, x-stainless-os");
        assertThat(pre.headers().firstValue("access-control-max-age")).hasValue("600");
        assertThat(pre.headers().allValues("vary")).contains("Origin");
        assertThat(pre.headers().firstValue("access-control-allow-credentials")).isEmpty();
        assertThat(h.upstream.getAllServeEvents()).isEmpty();
    }

    @Test
    void aListedOriginReadsTheAnswerAndTheSwitchboardHeaders() throws Exception {
        start("gateway.cors.allowed-origins = [ \"" + APP + "\" ]");

        HttpResponse<String> post = ask(APP);
        HttpResponse<String> refused = send("POST", CHAT, ASK, "Origin", APP, "Content-Type", "application/json");

        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.headers().firstValue("access-control-allow-origin")).hasValue(APP);
        assertThat(post.headers().firstValue("access-control-expose-headers")).hasValueSatisfying(e ->
                assertThat(Arrays.asList(e.split(",\\s*"))).contains("x-switchboard-provider",
                        "x-switchboard-attempts", "x-switchboard-cost-usd", "x-request-id", "retry-after"));
        assertThat(post.headers().firstValue("x-switchboard-provider")).hasValue("primary");
        assertThat(post.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        // an error answer too: the page can read why it was refused
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("access-control-allow-origin")).hasValue(APP);
    }

    @Test
    void anyOtherOriginGetsNoCorsHeader() throws Exception {
        start("gateway.cors.allowed-origins = [ \"" + APP + "\" ]");

        HttpResponse<String> pre = preflight("https://evil.example.net");
        HttpResponse<String> post = ask("https://app.example.com.evil.example.net");

        assertThat(pre.statusCode()).isEqualTo(401);
        assertThat(corsHeaders(pre)).isEmpty();
        assertThat(post.statusCode()).isEqualTo(200); // the server answers; the browser keeps it from the page
        assertThat(corsHeaders(post)).isEmpty();
    }

    @Test
    void aStarAllowsEveryOriginWithoutCredentials() throws Exception {
        start("gateway.cors { allowed-origins = [ \"*\" ], allowed-headers = [ authorization, content-type ],"
                + " exposed-headers = [ x-switchboard-provider ], max-age = 1h }");

        HttpResponse<String> pre = preflight("https://anywhere.example.org");
        HttpResponse<String> post = models("https://anywhere.example.org");

        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(pre.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(pre.headers().firstValue("access-control-allow-headers")).hasValue("authorization, content-type");
        assertThat(pre.headers().firstValue("access-control-max-age")).hasValue("3600");
        assertThat(post.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(post.headers().firstValue("access-control-expose-headers")).hasValue("x-switchboard-provider");
    }

    @Test
    void credentialsAreAllowedForListedOriginsOnly() throws Exception {
        start("gateway.cors { allowed-origins = [ \"" + APP + "\" ], allow-credentials = true }");

        HttpResponse<String> pre = preflight(APP);
        HttpResponse<String> post = models(APP);

        assertThat(pre.headers().firstValue("access-control-allow-credentials")).hasValue("true");
        assertThat(post.headers().firstValue("access-control-allow-credentials")).hasValue("true");
        assertThat(post.headers().firstValue("access-control-allow-origin")).hasValue(APP);
    }

    private static GatewayConfig read(String... lines) {
        return GatewayConfig.from(ConfigFactory.parseString(String.join("\n", lines),
                ConfigParseOptions.defaults().setOriginDescription("switchboard.conf")));
    }

    @Test
    void aStarWithCredentialsIsAConfigErrorAtItsLine() {
        assertThatThrownBy(() -> read("switchboard.gateway.cors {", "  allowed-origins = [ \"*\" ]",
                "  allow-credentials = true", "}"))
                .isInstanceOf(SwitchboardConfigException.class)
                .hasMessageStartingWith("switchboard.conf:2: switchboard.gateway.cors.allowed-origins: \"*\" allows every"
                        + " origin and cannot go with allow-credentials = true");
    }

    @Test
    void theBlockIsReadStrictly() {
        assertThatThrownBy(() -> read("switchboard.gateway.cors {", "  allowed-origin = [ \"" + APP + "\" ]", "}"))
                .hasMessageContaining("switchboard.conf:2: switchboard.gateway.cors.allowed-origin: unknown key;"
                        + " did you mean 'allowed-origins'?");
        assertThatThrownBy(() -> read("switchboard.gateway.cors.allowed-origins = [ \"app.example.com/\" ]"))
                .hasMessageContaining("switchboard.conf:1: switchboard.gateway.cors.allowed-origins[0]:"
                        + " 'app.example.com/' is not an origin");
        assertThatThrownBy(() -> read("switchboard.gateway.cors.allowed-origins = \"" + APP + "\""))
                .hasMessageContaining("switchboard.gateway.cors.allowed-origins: must be a list");
        assertThatThrownBy(() -> read("switchboard.gateway.cors.allow-credentials = perhaps"))
                .hasMessageContaining("switchboard.gateway.cors.allow-credentials: must be true or false");
        assertThatThrownBy(() -> read("switchboard.gateway.cors.exposed-headers = [ \"x bad\" ]"))
                .hasMessageContaining("'x bad' is not a header name");
    }

    @Test
    void anOriginWrittenWithItsDefaultPortMatchesWhatABrowserSends() throws Exception {
        start("gateway.cors.allowed-origins = [ \"https://app.example.com:443\", \"http://localhost:80\" ]");

        assertThat(preflight(APP).headers().firstValue("access-control-allow-origin")).hasValue(APP);
        assertThat(preflight("http://localhost").headers().firstValue("access-control-allow-origin"))
                .hasValue("http://localhost");
    }

    @Test
    void anAllowedHeadersListWithoutContentTypeIsAConfigErrorAtItsLine() {
        // a browser would block every JSON call of the page: the preflight would not allow content-type
        assertThatThrownBy(() -> read("switchboard.gateway.cors {", "  allowed-origins = [ \"" + APP + "\" ]",
                "  allowed-headers = [ authorization ]", "}"))
                .hasMessageContaining("switchboard.conf:3: switchboard.gateway.cors.allowed-headers: must include"
                        + " content-type");
    }

    @Test
    void theDefaultsAreOff() {
        GatewayConfig c = read("switchboard.gateway.port = 0");

        assertThat(c.cors().enabled()).isFalse();
        assertThat(c.cors().exposedHeaders()).contains("x-switchboard-provider", "x-switchboard-usage");
        assertThat(c.cors().maxAge()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.streamError()).isEqualTo(GatewayConfig.StreamError.EVENT);
    }
}
