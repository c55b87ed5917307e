package dev.switchboard.runtime.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceTableTest {

    private static final Price MINI = Price.of("0.15", "0.075", "0.60");

    @Test
    void pricesUncachedInputCachedInputAndOutputPerMillionTokens() {
        // 2006 input tokens of which 1920 cached, 300 output (the usage of OpenAI's prompt-caching example):
        // 86 * 0.15 + 1920 * 0.075 + 300 * 0.60 = 12.9 + 144 + 180 = 336.9 per million = $0.0003369
        Cost cost = MINI.cost(Usage.builder().inputTokens(2006).outputTokens(300).cachedInputTokens(1920).build());

        assertThat(cost.usd()).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.0003369"));
    }

    @Test
    void cachedTokensCostTheInputPriceWhenTheModelHasNoCachedPrice() {
        Price groq = Price.of("0.05", null, "0.08");

        // (1000 * 0.05 + 500 * 0.08) / 1e6 = (50 + 40) / 1e6
        assertThat(groq.cost(Usage.builder()
                .inputTokens(1000)
                .outputTokens(500)
                .cachedInputTokens(400)
                .build())).isEqualTo(Cost.usd("0.00009"));
    }

    @Test
    void reasoningTokensArePartOfTheOutputAndBilledOnce() {
        // 10 * 1.10 + 1000 * 4.40 (of which 800 reasoning) = 11 + 4400 = 4411 per million
        assertThat(Price.of("1.10", "0.275", "4.40").cost(Usage.builder()
                .inputTokens(10)
                .outputTokens(1000)
                .reasoningTokens(800)
                .build())).isEqualTo(Cost.usd("0.004411"));
    }

    @Test
    void isUnknownWithoutTokenCountsOrWithOutputButNoOutputPrice() {
        Price embeddingsOnly = new Price(new BigDecimal("0.02"), java.util.Optional.empty(), java.util.Optional.empty());

        assertThat(MINI.cost(Usage.NONE)).isEqualTo(Cost.UNKNOWN);
        assertThat(embeddingsOnly.cost(Usage.of(8, 0))).isEqualTo(Cost.usd("0.00000016"));
        assertThat(embeddingsOnly.cost(Usage.of(8, 3))).isEqualTo(Cost.UNKNOWN);
    }

    @Test
    void aFreeModelCostsNothingEvenWithoutTokenCounts() {
        Price local = Price.of("0", null, "0");

        assertThat(local.cost(Usage.NONE)).isEqualTo(Cost.ZERO);
        assertThat(local.cost(Usage.of(100, 100)).format()).isEqualTo("$0");
    }

    @Test
    void refusesNegativePrices() {
        assertThatThrownBy(() -> Price.of("-0.1", null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void prefersTheProviderNameThenItsTypeThenTheBareModel() {
        PriceTable table = new PriceTable(Map.of(
                "work-openai/gpt-4o-mini", Price.of("1", null, "1"),
                "openai/gpt-4o-mini", Price.of("2", null, "2"),
                "gpt-4o-mini", Price.of("3", null, "3")),
                Map.of("work-openai", "openai", "home-openai", "openai", "proxy", "openai-compatible"));

        assertThat(table.find("work-openai", "gpt-4o-mini", null)).map(Price::input).contains(new BigDecimal("1"));
        assertThat(table.find("home-openai", "gpt-4o-mini", null)).map(Price::input).contains(new BigDecimal("2"));
        assertThat(table.find("proxy", "gpt-4o-mini", null)).map(Price::input).contains(new BigDecimal("3"));
    }

    @Test
    void looksUpTheAnsweredModelThenTheRequestedOneThenEachWithoutItsSnapshotDate() {
        PriceTable table = new PriceTable(Map.of(
                "openai/gpt-4o", Price.of("2.50", "1.25", "10.00"),
                "openai/gpt-4o-2024-05-13", Price.of("5.00", null, "15.00"),
                "azure-openai/gpt-4o-mini", MINI),
                Map.of("openai", "openai", "azure", "azure-openai"));

        assertThat(table.find("openai", "gpt-4o-2024-05-13", "gpt-4o")).map(Price::input).contains(new BigDecimal("5.00"));
        assertThat(table.find("openai", "gpt-4o-2024-08-06", "gpt-4o")).map(Price::input).contains(new BigDecimal("2.50"));
        // Azure: asked for a deployment name, answered with the model behind it.
        assertThat(table.find("azure", "gpt-4o-mini-2024-07-18", "my-deployment")).contains(MINI);
        assertThat(table.find("openai", "", "gpt-4o")).map(Price::input).contains(new BigDecimal("2.50"));
        assertThat(table.find("openai", "gpt-5", null)).isEmpty();
    }

    @Test
    void aWildcardPricesEveryModelOfAProviderWithoutAnEntryOfItsOwn() {
        PriceTable table = new PriceTable(Map.of("ollama/*", Price.of("0", null, "0"),
                "ollama/llama3.2", Price.of("0.01", null, "0.02")), Map.of("local", "ollama"));

        assertThat(table.cost("local", "qwen2.5:7b", null, Usage.of(10, 10))).isEqualTo(Cost.ZERO);
        assertThat(table.cost("local", "llama3.2", null, Usage.of(1_000_000, 0))).isEqualTo(Cost.usd("0.01"));
    }

    @Test
    void anUnknownProviderOrModelHasAnUnknownCost() {
        PriceTable table = new PriceTable(Map.of("openai/gpt-4o-mini", MINI), Map.of("openai", "openai"));

        assertThat(table.cost("groq", "gpt-4o-mini", null, Usage.of(10, 10))).isEqualTo(Cost.UNKNOWN);
        assertThat(table.cost("openai", null, null, Usage.of(10, 10))).isEqualTo(Cost.UNKNOWN);
    }

    @Test
    void costsAddUpExactlyAndShowThreeSignificantDigits() {
        Cost sum = Cost.ZERO;
        for (int i = 0; i < 1000; i++) {
            sum = sum.plus(Cost.usd("0.0000001"));
        }

        assertThat(sum).isEqualTo(Cost.usd("0.0001"));
        assertThat(Cost.usd("0.000336900").format()).isEqualTo("$0.000337");
        assertThat(Cost.usd("12.345").format()).isEqualTo("$12.3");
        assertThat(Cost.usd("1234.5").format()).isEqualTo("$1230");
        assertThat(Cost.UNKNOWN.format()).isEqualTo("unknown");
        assertThat(sum.plus(Cost.UNKNOWN)).isEqualTo(Cost.UNKNOWN);
        assertThat(Cost.usd("0.10")).isEqualTo(Cost.usd("0.1"));
    }
}
