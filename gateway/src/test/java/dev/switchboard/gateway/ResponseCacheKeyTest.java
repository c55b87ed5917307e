package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.http.Json;
import dev.switchboard.runtime.Switchboard;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cache's canonical key and the reuse of a hit's written body, without a server. */
class ResponseCacheKeyTest {

    private final Switchboard switchboard = Switchboard.builder().env(Map.of()).config(String.join("\n",
            "switchboard {",
            "  providers.p { type = openai, base-url = \"http://127.0.0.1:9/v1\", api-key = \"test-key-not-real\" }",
            "  routes.cached { targets = [ p ], cache { ttl = 1m } }",
            "  default-route = cached",
            "}")).build();
    private final ResponseCache cache = new ResponseCache(switchboard);

    @AfterEach
    void close() {
        switchboard.close();
    }

    private String key(String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return cache.key("cached", "gpt-4o-mini", null, false, bytes, bytes.length);
    }

    /** The canonical form written from the body's bytes, or null when that gave up; checked against the tree's. */
    private static String canonical(String body) throws Exception {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        CanonicalBody streaming = CanonicalBody.get();
        StringBuilder fromBytes = streaming.start();
        boolean read = streaming.append(bytes, bytes.length);
        String text = fromBytes.toString();
        boolean zero = streaming.temperatureZero();
        streaming.done();
        StringBuilder fromTree = new StringBuilder();
        boolean treeZero = ResponseCache.canonicalTree(Json.read(bytes, 0, bytes.length), fromTree);
        if (!read) {
            return null;
        }
        assertThat(text).as(body).isEqualTo(fromTree.toString());
        assertThat(zero).as(body).isEqualTo(treeZero);
        return text;
    }

    @Test
    void theCanonicalFormFromTheBytesIsTheTreesOne() throws Exception {
        List<String> bodies = List.of(
                "{\"model\":\"default\",\"stream\":false,\"temperature\":0,\"messages\":[{\"role\":\"system\","
                        + "\"content\":\"You are a helpful assistant.\"},{\"role\":\"user\",\"content\":\"Hello!\"}]}",
                "{\"temperature\":0.0,\"n\":1,\"top_p\":1.0,\"presence_penalty\":-0.0,\"frequency_penalty\":0e3,"
                        + "\"parallel_tool_calls\":true,\"user\":\"u\",\"stream_options\":{\"include_usage\":true},"
                        + "\"x\":null,\"m\":[null,true,false,1e1,-5,12345678901,1.50,\"\\u00e9\\n\\\"\",{}]}",
                "{\"n\":2,\"top_p\":0.9,\"parallel_tool_calls\":false,\"temperature\":0.7,\"b\":{\"z\":1,\"a\":"
                        + "{\"y\":[{\"d\":1,\"c\":2}],\"x\":null}},\"a\":\"\u00fc\u4e2d\ud83d\ude00\"}",
                "{\"a\":1,\"b\":2,\"a\":3,\"c\":{\"k\":1,\"k\":null},\"temperature\":0,\"temperature\":\"0\"}",
                "{\"temperature\":1,\"temperature\":0,\"n\":3,\"n\":1,\"d\":{\"b\":1,\"a\":2,\"b\":3}}",
                "{\"temperature\":null,\"e\":1e-400,\"f\":0.1,\"g\":100.000,\"h\":1.0E-7}",
                "{}");
        for (String body : bodies) {
            assertThat(canonical(body)).as(body).isNotNull();
        }
        // beyond a long, or not finite as a double: the key is written from the tree
        assertThat(canonical("{\"seed\":123456789012345678901234567890}")).isNull();
        assertThat(key("{\"temperature\":0,\"seed\":123456789012345678901234567890}")).hasSize(64);
    }

    @Test
    void aSampledRequestHasNoKey() {
        assertThat(key("{\"temperature\":0.2," + "\"messages\":[]}")).isNull();
        assertThat(key("{\"messages\":[]}")).isNull();
        assertThat(key("{\"temperature\":\"0\"}")).isNull();
        assertThat(key("{\"temperature\":0,\"temperature\":null}")).isNull();
        assertThat(key("{\"temperature\":1,\"temperature\":0.0}")).isNotNull();
    }

    @Test
    void equalRequestsWrittenDifferentlyShareAKeyAndDifferentOnesDoNot() throws Exception {
        String base = key("{\"temperature\":0,\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"a\\\"b\"}],"
                + "\"seed\":12345678901}");

        assertThat(key("{\"seed\":12345678901.0,\"messages\":[{\"content\":\"a\\\"b\",\"role\":\"user\"}],"
                + "\"max_tokens\":1e1,\"temperature\":0.0,\"n\":1}")).isEqualTo(base);
        assertThat(key("{\"temperature\":0,\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"a\\\\b\"}],"
                + "\"seed\":12345678901}")).isNotEqualTo(base);
        assertThat(key("{\"temperature\":0,\"max_tokens\":11,\"messages\":[{\"role\":\"user\",\"content\":\"a\\\"b\"}],"
                + "\"seed\":12345678901}")).isNotEqualTo(base);
        assertThat(key("{\"temperature\":0,\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"a\\\"b\"}],"
                + "\"seed\":12345678902}")).isNotEqualTo(base);
        assertThat(base).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void aSharedStoresHitReusesTheEntryReadFromTheSameText() {
        Map<String, String> texts = new java.util.HashMap<>();
        dev.switchboard.runtime.state.ResponseStore store = new dev.switchboard.runtime.state.ResponseStore() {
            @Override
            public java.util.Optional<String> get(String key) {
                return java.util.Optional.ofNullable(texts.get(key));
            }

            @Override
            public void put(String key, String value, java.time.Duration ttl) {
                texts.put(key, value);
            }
        };
        ResponseCache.SharedStore shared = new ResponseCache.SharedStore(store,
                new dev.switchboard.runtime.config.RouteConfig.CacheSettings(java.time.Duration.ofMinutes(1), 100,
                        false, dev.switchboard.runtime.config.RouteConfig.CacheSettings.REDIS, 1 << 20));
        shared.put("k", new ResponseCache.Entry(answer("first"), List.of(), "p"));

        ResponseCache.Entry hit = shared.get("k");
        ResponseCache.Entry again = shared.get("k");
        shared.put("k", new ResponseCache.Entry(answer("second"), List.of(), "p")); // another instance's answer
        ResponseCache.Entry replaced = shared.get("k");
        texts.clear(); // expired in the store
        ResponseCache.Entry expired = shared.get("k");

        assertThat(hit.response().text()).isEqualTo("first");
        assertThat(again).isSameAs(hit);
        assertThat(replaced.response().text()).isEqualTo("second");
        assertThat(expired).isNull();
    }

    private static dev.switchboard.api.ChatResponse answer(String text) {
        return dev.switchboard.api.ChatResponse.builder().id("chatcmpl-1").model("m").provider("p")
                .message(dev.switchboard.api.Message.assistant(text)).finishReason(dev.switchboard.api.FinishReason.STOP)
                .usage(dev.switchboard.api.Usage.of(1, 1)).build();
    }

    @Test
    void aHitReusesTheBodyWrittenInTheSameSecondForTheSameModel() {
        ResponseCache.Entry entry = new ResponseCache.Entry(null, List.of(), "p");
        AtomicInteger writes = new AtomicInteger();

        byte[] first = entry.body(100, "m", () -> new byte[] {(byte) writes.incrementAndGet()});
        byte[] again = entry.body(100, "m", () -> new byte[] {(byte) writes.incrementAndGet()});
        byte[] otherModel = entry.body(100, "n", () -> new byte[] {(byte) writes.incrementAndGet()});
        byte[] nextSecond = entry.body(101, "n", () -> new byte[] {(byte) writes.incrementAndGet()});

        assertThat(again).isSameAs(first);
        assertThat(otherModel).containsExactly(2);
        assertThat(nextSecond).containsExactly(3);
        assertThat(writes).hasValue(3);
    }
}
