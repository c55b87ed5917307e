package dev.switchboard.runtime;

import dev.switchboard.runtime.metering.Price;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The price tables the anthropic, gemini, cohere, replicate, huggingface and openai-compatible jars ship, read from
 * their real {@code reference.conf} on the test class path, priced by hand for each type's default models.
 */
class BundledPriceTablesTest {

    /** One response of a million input and half a million output tokens. */
    private static final Usage MILLION_IN_HALF_MILLION_OUT = Usage.of(1_000_000, 500_000);

    private Switchboard sb;

    @BeforeEach
    void build() {
        sb = Switchboard.builder().env(Map.of()).config(String.join("\n",
                "switchboard.providers {",
                "  anthropic.api-key = \"test-key-not-real\"",
                "  gemini.api-key = \"test-key-not-real\"",
                "  cohere.api-key = \"test-key-not-real\"",
                "  replicate.api-key = \"test-key-not-real\"",
                "  huggingface.api-key = \"test-key-not-real\"",
                "  local { type = openai-compatible, base-url = \"http://127.0.0.1:9/v1\", model = \"my-model\" }",
                "}")).build();
    }

    @AfterEach
    void close() {
        sb.close();
    }

    private String defaultModel(String provider) {
        return sb.defaultModel(provider).orElseThrow();
    }

    private String defaultEmbeddingModel(String type) {
        return sb.config().getString("switchboard.provider-defaults." + type + ".embedding-model");
    }

    @Test
    void pricesAResponseOfEachDefaultChatModelFromTheShippedTables() {
        // given the defaults the jars ship (the test fails here first if one changes)
        assertThat(defaultModel("anthropic")).isEqualTo("claude-haiku-4-5");
        assertThat(defaultModel("gemini")).isEqualTo("gemini-2.5-flash");
        assertThat(defaultModel("cohere")).isEqualTo("command-a-03-2025");
        assertThat(defaultModel("replicate")).isEqualTo("meta/meta-llama-3-8b-instruct");

        // when / then: 1,000,000 input and 500,000 output tokens, by hand from each table
        // Claude Haiku 4.5: 1 x 1.00 + 0.5 x 5.00 = 1.00 + 2.50; the API answers with the snapshot name.
        assertThat(sb.pricing().cost("anthropic", "claude-haiku-4-5-20251001", defaultModel("anthropic"),
                MILLION_IN_HALF_MILLION_OUT)).isEqualTo(Cost.usd("3.50"));
        // Gemini 2.5 Flash: 1 x 0.30 + 0.5 x 2.50 = 0.30 + 1.25
        assertThat(sb.pricing().cost("gemini", "gemini-2.5-flash", defaultModel("gemini"), MILLION_IN_HALF_MILLION_OUT))
                .isEqualTo(Cost.usd("1.55"));
        // Command A: 1 x 2.50 + 0.5 x 10.00 = 2.50 + 5.00 (Cohere's answers do not name the model)
        assertThat(sb.pricing().cost("cohere", null, defaultModel("cohere"), MILLION_IN_HALF_MILLION_OUT))
                .isEqualTo(Cost.usd("7.50"));
        // Llama 3 8B Instruct on Replicate: 1 x 0.05 + 0.5 x 0.25 = 0.05 + 0.125
        assertThat(sb.pricing().cost("replicate", "meta/meta-llama-3-8b-instruct", defaultModel("replicate"),
                MILLION_IN_HALF_MILLION_OUT)).isEqualTo(Cost.usd("0.175"));
    }

    @Test
    void cachedInputTokensCostTheCacheReadPrice() {
        // Claude Haiku 4.5, 1,000,000 input of which 800,000 read from the cache, 10,000 output:
        // 200,000 x 1.00 + 800,000 x 0.10 + 10,000 x 5.00 = 0.20 + 0.08 + 0.05
        assertThat(sb.pricing().cost("anthropic", "claude-haiku-4-5-20251001", null,
                Usage.builder()
                        .inputTokens(1_000_000)
                        .outputTokens(10_000)
                        .cachedInputTokens(800_000)
                        .build())).isEqualTo(Cost.usd("0.33"));
        // Gemini 2.5 Flash, 1,000,000 input of which 600,000 cached, no output:
        // 400,000 x 0.30 + 600,000 x 0.03 = 0.12 + 0.018
        assertThat(sb.pricing().cost("gemini", "gemini-2.5-flash", null, Usage.builder()
                .inputTokens(1_000_000)
                .outputTokens(0)
                .cachedInputTokens(600_000)
                .build()))
                .isEqualTo(Cost.usd("0.138"));
    }

    @Test
    void pricesTheDefaultEmbeddingModelsByInputAlone() {
        assertThat(defaultEmbeddingModel("cohere")).isEqualTo("embed-v4.0");
        assertThat(defaultEmbeddingModel("gemini")).isEqualTo("gemini-embedding-001");

        // 1,000,000 input tokens x 0.12 (Embed 4, text) and x 0.15 (Gemini Embedding)
        assertThat(sb.pricing().cost("cohere", defaultEmbeddingModel("cohere"), null, Usage.of(1_000_000, 0)))
                .isEqualTo(Cost.usd("0.12"));
        assertThat(sb.pricing().cost("gemini", defaultEmbeddingModel("gemini"), null, Usage.of(1_000_000, 0)))
                .isEqualTo(Cost.usd("0.15"));
    }

    @Test
    void shipsNoPricesForHuggingFaceOrOpenAiCompatibleServers() {
        // The router's price depends on the provider serving the model; an openai-compatible server is the user's own.
        assertThat(sb.pricing().find("huggingface", defaultModel("huggingface"), null)).isEmpty();
        assertThat(sb.pricing().find("huggingface", defaultEmbeddingModel("huggingface"), null)).isEmpty();
        assertThat(sb.pricing().find("local", "my-model", null)).isEmpty();
        assertThat(sb.pricing().cost("local", "my-model", null, MILLION_IN_HALF_MILLION_OUT)).isEqualTo(Cost.UNKNOWN);
        assertThat(sb.pricing().entries().keySet())
                .noneMatch(k -> k.startsWith("huggingface/") || k.startsWith("openai-compatible/"));
    }

    @Test
    void everyShippedPriceOfTheseTypesIsCheaperCachedThanFreshAndHasAnOutputPriceUnlessItEmbeds() {
        Map<String, Price> shipped = sb.pricing().entries();

        assertThat(shipped.keySet()).filteredOn(k -> k.matches("(anthropic|gemini|cohere|replicate)/.+")).hasSize(24);
        shipped.forEach((key, price) -> {
            if (key.matches("(anthropic|gemini|cohere|replicate)/.+")) {
                price.cachedInput().ifPresent(c -> assertThat(c).as(key).isLessThan(price.input()));
                assertThat(price.output().isPresent()).as(key).isEqualTo(!key.contains("embed"));
            }
        });
    }
}
