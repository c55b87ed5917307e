package dev.switchboard.runtime.state;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageTotals;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One change to the durable part of a {@link MemoryStateStore}, as its {@link StateJournal} writes it and as
 * {@link MemoryStateStore#restore} reads it back. Each carries the entry's whole new value (not a delta), so
 * replaying the latest one per entry restores it. Holds of calls in flight and probes running are not durable: the
 * calls they belong to die with the process.
 */
public sealed interface StateChange {

    /** Budget {@code budget} has spent {@code spent} in window {@code window}. */
    record BudgetSpent(String budget, long window, BigDecimal spent) implements StateChange {
        public BudgetSpent {
            Objects.requireNonNull(budget, "budget");
            Objects.requireNonNull(spent, "spent");
        }
    }

    /** Bucket {@code bucket} held this much at {@code at}, and is held until {@code heldUntil} (null: not held). */
    record BucketChanged(String bucket, double requests, double tokens, Instant at, @Nullable Instant heldUntil,
                         @Nullable String heldWhy) implements StateChange {
        public BucketChanged {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(at, "at");
        }
    }

    /** Target {@code target} has failed {@code failures} times in a row and is open until {@code openUntil}. */
    record CooldownChanged(String target, int failures, @Nullable Instant openUntil, @Nullable ErrorKind lastFailure)
            implements StateChange {
        public CooldownChanged {
            Objects.requireNonNull(target, "target");
        }
    }

    /** One answered call. */
    record UsageRecorded(UsageRecord record) implements StateChange {
        public UsageRecorded {
            Objects.requireNonNull(record, "record");
        }
    }

    /**
     * One call that ended without an answer: the usage log keeps it, the totals do not count it (never restored).
     * A journal may drop it, as it may drop an answered call's log row, when its queue is full.
     */
    record CallUnanswered(UsageRecord record) implements StateChange {
        public CallUnanswered {
            Objects.requireNonNull(record, "record");
        }
    }

    /**
     * Calls already counted, added up by provider, model, route and key: what a durable store reads back at start
     * instead of every call (never journaled).
     */
    record UsageRestored(String provider, String model, String route, String key, UsageTotals totals)
            implements StateChange {
        public UsageRestored {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(route, "route");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(totals, "totals");
        }
    }
}
