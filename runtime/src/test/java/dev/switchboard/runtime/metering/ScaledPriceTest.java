package dev.switchboard.runtime.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScaledPriceTest {

    private static final List<Usage> USAGES = List.of(
            Usage.NONE,
            Usage.of(1, 0),
            Usage.of(0, 1),
            Usage.builder().inputTokens(2006).outputTokens(300).cachedInputTokens(1920).build(),
            Usage.builder().inputTokens(10).cachedInputTokens(50).build(), // more cached than input: capped
            Usage.of(123_456_789, 987_654_321),
            Usage.of(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2)); // past a long in picodollars: priced as decimals

    private static final List<Price> PRICES = List.of(
            Price.of("0.15", "0.075", "0.60"),
            Price.of("0.05", null, "0.08"),
            Price.of("0.0375", "0.01875", "0.150000000"),
            Price.of("0.00000005", null, "0.1"), // more decimals than a long holds in micro-dollars
            Price.of("0.02", null, null), // an embedding model: output tokens make the cost unknown
            Price.of("0", "0", "0"),
            Price.of("1E+3", null, "75"));

    @Test
    void givesExactlyThePricesOwnCostForEveryUsage() {
        for (Price price : PRICES) {
            ScaledPrice scaled = ScaledPrice.of(Optional.of(price));
            for (Usage usage : USAGES) {
                assertThat(scaled.cost(usage)).as("%s of %s", usage, price).isEqualTo(price.cost(usage));
            }
        }
    }

    @Test
    void withoutAPriceTheCostIsUnknown() {
        assertThat(ScaledPrice.of(Optional.empty()).cost(Usage.of(10, 10))).isEqualTo(Cost.UNKNOWN);
    }
}
