package dev.switchboard.runtime.config;

import dev.switchboard.runtime.metering.BudgetLimit;
import com.typesafe.config.ConfigValue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a {@code budget { amount = 5.00, period = 1d }} block (a route's, or a gateway key's): both required, the
 * amount in US dollars above zero, the period at least one second.
 */
public final class BudgetConfigReader {

    static final Set<String> KEYS = Set.of("amount", "period");

    private BudgetConfigReader() {}

    /** The budget, or empty with its problems recorded. */
    public static Optional<BudgetLimit> read(ConfigFields budget) {
        ConfigProblems problems = budget.problems();
        int before = problems.count();
        // A misspelt key is also a missing one: report the spelling only, once.
        boolean spelt = budget.onlyKnownKeys(KEYS, null);
        Optional<BigDecimal> amount = budget.decimal("amount", false);
        // Durations have no week or month unit (1w is refused): the examples say how to write those.
        Optional<Duration> period = budget.duration("period", false, "1h, 1d, 7d (a week) or 30d (a month)");
        if (spelt && !budget.written("amount")) {
            problems.add(budget.origin(), budget.path("amount"), "missing; the most to spend per period in US dollars,"
                    + " e.g. amount = 5.00");
        }
        if (spelt && !budget.written("period")) {
            problems.add(budget.origin(), budget.path("period"), "missing; how long a budget period lasts, e.g."
                    + " period = 1d (also 1h, 7d, 30d)");
        }
        if (period.isPresent() && period.get().compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(budget.value("period").map(ConfigValue::origin).orElse(budget.origin()), budget.path("period"),
                    "must be at least 1s, e.g. 1h or 1d");
        }
        if (problems.count() > before || amount.isEmpty() || period.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new BudgetLimit(amount.get(), period.get()));
    }
}
