package dev.switchboard.state.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.testkit.GatewayHttp;
import dev.switchboard.testkit.GatewayHttp.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code switchboard.cache.backend = redis}: two gateways (each its own Switchboard and server, as two processes
 * would have) on one real redis-server share one response cache, so what one asked a provider the other answers
 * without asking, whole or streamed; keys stay apart and an answer over {@code max-entry-bytes} is not shared.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisResponseCacheTest extends GatewaysOnRedis {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"m-2026\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Paris.\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}";
    /** A streamed answer as OpenAI sends it: role, two text pieces, a tool call in two pieces, finish, usage. */
    private static final String STREAM = String.join("\n\n",
            "data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m-2026\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
            "data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m-2026\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Par\"},\"finish_reason\":null}]}",
            "data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m-2026\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"is.\"},\"finish_reason\":null}]}",
            "data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m-2026\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"arguments\":\"{\\\"q\\\":\"}}]},\"finish_reason\":null}]}",
            "data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m-2026\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"x\\\"}\"}}]},\"finish_reason\":null}]}",
            "data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m-2026\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
            "data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m-2026\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":6,\"total_tokens\":15}}",
            "data: [DONE]", "");
    private static final String KEY_A = "team-a-key-not-real-0001";
    private static final String KEY_B = "team-b-key-not-real-0002";
    private static final AtomicInteger PREFIX = new AtomicInteger();

    @Override
    void stub(WireMockServer upstream) {
        upstream.stubFor(post(urlEqualTo("/up/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(ANSWER)));
    }

    /** Two gateways on one fresh key prefix; {@code extra} is more HOCON inside switchboard { }. */
    private List<Gateway> startTwo(String extra) {
        String prefix = "cache" + PREFIX.incrementAndGet() + ":";
        List<Gateway> two = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String hocon = String.join("\n",
                    "switchboard {",
                    "  providers.up { type = openai, base-url = \"" + upstream.baseUrl() + "/up/v1\", api-key = \"upstream-key-not-real\", model = m }",
                    "  route-defaults.retry.max-retries = 0",
                    "  gateway.port = 0",
                    "  state { backend = redis, redis { uri = \"" + redis.uri() + "\", key-prefix = \"" + prefix + "\" } }",
                    "  cache.backend = redis",
                    "  routes.default { targets = [ up ], cache { ttl = 10m } }",
                    extra,
                    "}");
            Switchboard sb = Switchboard.builder().config(hocon).env(Map.of()).build();
            Gateway g = serve(sb);
            two.add(g);
        }
        return two;
    }

    private static String ask(String rest) {
        return "{\"model\":\"default\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"Capital of France?\"}]"
                + rest + "}";
    }

    private Reply send(Gateway g, String method, String path, String body, String key) throws Exception {
        return GatewayHttp.send(g.port(), method, path, body, GatewayHttp.bearer(key));
    }

    /** The answer's x-switchboard-cache header (hit or miss); null without one. */
    private static String cache(Reply r) {
        return r.header("x-switchboard-cache").orElse(null);
    }

    private Reply chat(Gateway g, String body) throws Exception {
        return send(g, "POST", "/v1/chat/completions", body, null);
    }

    private int upstreamCalls() {
        return upstream.countRequestsMatching(postRequestedFor(urlEqualTo("/up/v1/chat/completions")).build())
                .getCount();
    }

    private static String withoutCreated(String body) {
        return body.replaceAll("\"created\":\\d+", "");
    }

    @Test
    void anAnswerGatewayAGotFromTheProviderIsAHitOnGatewayB() throws Exception {
        List<Gateway> two = startTwo("");

        Reply onA = chat(two.get(0), ask(""));
        Reply onB = chat(two.get(1), ask(""));
        Reply againOnA = chat(two.get(0), ask(""));

        assertThat(cache(onA)).isEqualTo("miss");
        assertThat(onB.statusCode()).as(onB.body()).isEqualTo(200);
        assertThat(cache(onB)).isEqualTo("hit");
        assertThat(cache(againOnA)).isEqualTo("hit");
        assertThat(withoutCreated(onB.body())).isEqualTo(withoutCreated(onA.body()));
        assertThat(upstreamCalls()).isEqualTo(1);
        // the hits are in the shared ledger at zero cost, whichever gateway is asked
        JsonNode usage = JSON.readTree(send(two.get(0), "GET", "/v1/usage", null, null).body());
        assertThat(usage.at("/providers/cache/requests").asLong()).as(usage.toString()).isEqualTo(2);
        assertThat(usage.at("/providers/up/requests").asLong()).as(usage.toString()).isEqualTo(1);
    }

    @Test
    void aStreamedAnswerIsReplayedByTheOtherGatewayWithTheSameEvents() throws Exception {
        upstream.stubFor(post(urlEqualTo("/up/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(STREAM)));
        List<Gateway> two = startTwo("");
        String streamed = ask(",\"stream\":true,\"stream_options\":{\"include_usage\":true}");

        Reply onA = chat(two.get(0), streamed);
        int asked = upstreamCalls(); // a loaded machine may have retried past the first-byte timeout
        Reply onB = chat(two.get(1), streamed);
        Reply withoutUsage = chat(two.get(1), ask(",\"stream\":true")); // the same answer; no usage chunk asked

        assertThat(cache(onA)).isEqualTo("miss");
        assertThat(cache(onB)).isEqualTo("hit");
        assertThat(withoutCreated(onB.body())).isEqualTo(withoutCreated(onA.body()))
                .contains("\"content\":\"Par\"", "\"content\":\"is.\"", "\"name\":\"lookup\"",
                        "\"finish_reason\":\"tool_calls\"", "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":6",
                        "data: [DONE]");
        assertThat(cache(withoutUsage)).isEqualTo("hit");
        assertThat(withoutUsage.body()).contains("\"content\":\"Par\"").doesNotContain("\"usage\"");
        assertThat(upstreamCalls()).isEqualTo(asked);
    }

    @Test
    void oneKeysAnswersNeverReachAnotherKeyOnAnyGateway() throws Exception {
        List<Gateway> two = startTwo("gateway.keys = [ { key = \"" + KEY_A + "\", name = team-a },"
                + " { key = \"" + KEY_B + "\", name = team-b } ]");

        send(two.get(0), "POST", "/v1/chat/completions", ask(""), KEY_A);
        Reply b = send(two.get(1), "POST", "/v1/chat/completions", ask(""), KEY_B);
        Reply a = send(two.get(1), "POST", "/v1/chat/completions", ask(""), KEY_A);

        assertThat(cache(b)).isEqualTo("miss");
        assertThat(cache(a)).isEqualTo("hit");
        assertThat(upstreamCalls()).isEqualTo(2);
    }

    @Test
    void anAnswerLargerThanMaxEntryBytesIsNotShared() throws Exception {
        String large = ANSWER.replace("Paris.", "P".repeat(3000));
        upstream.stubFor(post(urlEqualTo("/up/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(large)));
        List<Gateway> two = startTwo("cache.max-entry-bytes = 2KiB");

        chat(two.get(0), ask(""));
        Reply again = chat(two.get(1), ask(""));

        assertThat(cache(again)).isEqualTo("miss");
        assertThat(again.body()).contains("P".repeat(3000));
        assertThat(upstreamCalls()).isEqualTo(2);
    }
}
