package dev.switchboard.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.CallOutcome;
import dev.switchboard.runtime.UsageRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A group's totals count its answered calls, as the ledger does; its calls without an answer are counted apart. */
class UsageRowsBuilderTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    @Test
    void unansweredCallsAreCountedApartAndNamedByTheirModelAlone() {
        UsageRowsBuilder rows = new UsageRowsBuilder(new UsageQuery(Optional.empty(), Optional.empty(),
                List.of(UsageGroup.MODEL), Optional.empty()));
        rows.add(new UsageRecord(T0, "openai", "gpt-4o", "default", "team-a", Usage.of(10, 5), Cost.usd("0.5")));
        rows.add(UsageRecord.unanswered(T0, "gpt-4o", "default", "team-a", "req_1", Duration.ofMillis(3),
                CallOutcome.REFUSED, List.of()));
        rows.add(UsageRecord.unanswered(T0, "", "default", "team-a", "req_2", Duration.ofMillis(3),
                CallOutcome.SKIPPED, List.of()));

        List<UsageRow> out = rows.rows();

        assertThat(out).extracting(r -> r.group().get(UsageGroup.MODEL)).containsExactly("", "gpt-4o", "openai/gpt-4o");
        assertThat(out.get(1).totals().requests()).isZero();
        assertThat(out.get(1).unanswered()).isEqualTo(1);
        assertThat(out.get(2).totals().requests()).isEqualTo(1);
        assertThat(out.get(2).totals().costUsd()).isEqualByComparingTo("0.5");
        assertThat(out.get(2).unanswered()).isZero();
    }
}
