package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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

    private String key(String body) throws Exception {
        JsonNode json = Json.read(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, body.length());
        return cache.key("cached", "gpt-4o-mini", null, false, json);
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
