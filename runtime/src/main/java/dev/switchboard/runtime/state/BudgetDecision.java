package dev.switchboard.runtime.state;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What {@link StateStore#reserveBudget} decided, with the window's spending and the holds in flight as it saw them
 * (for the refusal's message). Immutable.
 */
public record BudgetDecision(boolean granted, BigDecimal spent, BigDecimal reserved) {

    public BudgetDecision {
        Objects.requireNonNull(spent, "spent");
        Objects.requireNonNull(reserved, "reserved");
    }
}
