package dev.switchboard.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageTotals;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UsageTallyTest {

    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    private static UsageRecord call(String usd, boolean estimated) {
        return new UsageRecord(T0, "p", "m", "", "", Usage.of(10, 2), usd == null ? Cost.UNKNOWN : Cost.usd(usd),
                estimated);
    }

    @Test
    void addsCallsAsUsageTotalsDoesWithTheSameExactCost() {
        UsageTally tally = new UsageTally();
        UsageTotals expected = UsageTotals.ZERO;
        for (String usd : new String[] {"0.0000405", "0.1", null, "0.000000000001", "12.5", "0"}) {
            UsageRecord r = call(usd, usd == null);
            tally.add(r);
            expected = expected.plus(r);
        }

        UsageTotals t = tally.totals();
        assertThat(t.requests()).isEqualTo(6);
        assertThat(t.inputTokens()).isEqualTo(60);
        assertThat(t.outputTokens()).isEqualTo(12);
        assertThat(t.unpricedRequests()).isEqualTo(1);
        assertThat(t.estimatedRequests()).isEqualTo(1);
        assertThat(t.costUsd()).isEqualByComparingTo(expected.costUsd()).isEqualByComparingTo("12.600040500001");
    }

    @Test
    void tenDimesAreOneDollarExactly() {
        UsageTally tally = new UsageTally();
        for (int i = 0; i < 10; i++) {
            tally.add(call("0.1", false));
        }

        assertThat(tally.totals().costUsd()).isEqualTo(new BigDecimal("1"));
    }

    @Test
    void aCostFinerThanAPicodollarStaysExact() {
        UsageTally tally = new UsageTally();
        tally.add(call("0.0000000000001", false)); // a tenth of a picodollar
        tally.add(call("0.25", false));

        assertThat(tally.totals().costUsd()).isEqualTo(new BigDecimal("0.2500000000001"));
    }

    @Test
    void sumsPastTheLongsRangeStayExact() {
        // 10^18 picodollars is a million dollars: ten such totals pass Long.MAX_VALUE picodollars (about 9.2 million)
        UsageTally tally = new UsageTally();
        UsageTotals million = new UsageTotals(1, 0, 0, 0, new BigDecimal("999999.999999999999"), 0);
        for (int i = 0; i < 10; i++) {
            tally.add(million);
        }
        tally.add(new UsageTotals(1, 0, 0, 0, new BigDecimal("123456789.5"), 0)); // more integer digits than fit

        // 10 * 999,999.999999999999 = 9,999,999.99999999999; plus 123,456,789.5
        assertThat(tally.totals().costUsd()).isEqualTo(new BigDecimal("133456789.49999999999"));
        assertThat(tally.totals().requests()).isEqualTo(11);
    }

    @Test
    void aTallyAddsAnotherOneWithItsFinerPart() {
        UsageTally a = new UsageTally(new UsageTotals(2, 5, 6, 1, new BigDecimal("0.5"), 1, 1));
        UsageTally b = new UsageTally();
        b.add(call("0.0000000000001", false));
        b.add(call("1", false));

        a.add(b);

        UsageTotals t = a.totals();
        assertThat(t.requests()).isEqualTo(4);
        assertThat(t.inputTokens()).isEqualTo(25);
        assertThat(t.cachedInputTokens()).isEqualTo(1);
        assertThat(t.unpricedRequests()).isEqualTo(1);
        assertThat(t.costUsd()).isEqualTo(new BigDecimal("1.5000000000001"));
    }

    @Test
    void nothingAddedIsZero() {
        assertThat(new UsageTally().totals()).isEqualTo(UsageTotals.ZERO);
    }
}
