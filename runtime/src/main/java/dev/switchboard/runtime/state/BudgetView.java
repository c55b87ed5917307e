package dev.switchboard.runtime.state;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A budget as it stands: spent in the asked window, held by the calls in flight, and how many those are. Immutable.
 */
public record BudgetView(BigDecimal spent, BigDecimal reserved, int inFlight) {

    public static final BudgetView EMPTY = new BudgetView(BigDecimal.ZERO, BigDecimal.ZERO, 0);

    public BudgetView {
        Objects.requireNonNull(spent, "spent");
        Objects.requireNonNull(reserved, "reserved");
    }
}
