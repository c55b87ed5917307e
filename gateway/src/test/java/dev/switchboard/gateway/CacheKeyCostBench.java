package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ChatResponse;
import dev.switchboard.runtime.Switchboard;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The cache-specific work of a hit, alone and in one thread: the request's canonical key from its body's bytes (parsing,
 * sorting, numbers, SHA-256)
 * and writing the cached answer's body. Prints nanoseconds per operation, the median of rounds; asserts nothing about
 * time. Run with
 * {@code mvn -o -pl gateway -am verify -Dtest=CacheKeyCostBench -Dsurefire.failIfNoSpecifiedTests=false -Dbench=true}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class CacheKeyCostBench {

    private static final int ROUNDS = 7;
    private static final int PER_ROUND = 100_000;
    private static final String BODY = "{\"model\":\"cached\",\"stream\":false,\"temperature\":0,\"messages\":["
            + "{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
            + "{\"role\":\"user\",\"content\":\"Hello!\"}]}";

    @Test
    void measuresTheKeyAndTheBodyOfAHit() throws Exception {
        try (Switchboard sb = Switchboard.builder().env(Map.of()).config(String.join("\n",
                "switchboard {",
                "  providers.p { type = openai, base-url = \"http://127.0.0.1:9/v1\", api-key = \"test-key-not-real\" }",
                "  routes.cached { targets = [ p ], cache { ttl = 1m } }",
                "  default-route = cached",
                "}")).build()) {
            ResponseCache cache = new ResponseCache(sb);
            byte[] bytes = BODY.getBytes(StandardCharsets.UTF_8);
            ChatResponse response = ChatResponse.builder().id("chatcmpl-123").model("gpt-4o-mini").provider("p")
                    .message(dev.switchboard.api.Message.assistant("Hello there, how may I assist you today?"))
                    .finishReason(dev.switchboard.api.FinishReason.STOP).usage(dev.switchboard.api.Usage.of(19, 10))
                    .build();
            long[] key = new long[ROUNDS];
            long[] body = new long[ROUNDS];
            int sink = 0;
            for (int r = 0; r < ROUNDS; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < PER_ROUND; i++) {
                    sink += cache.key("cached", "gpt-4o-mini", null, false, bytes, bytes.length).length();
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < PER_ROUND; i++) {
                    sink += JsonBodies.json(g -> OpenAiServerCodec.writeChatCompletion(g, response, response.id(),
                            "gpt-4o-mini", 1_765_000_000L)).length;
                }
                long t2 = System.nanoTime();
                key[r] = (t1 - t0) / PER_ROUND;
                body[r] = (t2 - t1) / PER_ROUND;
            }
            Arrays.sort(key);
            Arrays.sort(body);
            System.out.printf("per hit, one thread: key %d ns (rounds %s), body written %d ns (rounds %s)%n",
                    key[ROUNDS / 2], Arrays.toString(key), body[ROUNDS / 2], Arrays.toString(body));
            assertThat(sink).isNotZero();
        }
    }
}
