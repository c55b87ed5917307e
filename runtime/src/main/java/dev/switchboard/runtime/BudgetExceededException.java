package dev.switchboard.runtime;

import dev.switchboard.runtime.config.Durations;
import dev.switchboard.runtime.metering.BudgetLimit;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * A route's or a key's budget is spent for the current period, or cannot cover a call's estimated cost on top of the
 * calls in flight: {@link ErrorKind#QUOTA} with code {@value #CODE}, nothing sent; the message gives the amount spent
 * (and held by calls in flight) and when the period resets, and the retry hint is the time until then. A route does
 * not fall back to other targets on it: the spending is the caller's, not a target's failure.
 */
public final class BudgetExceededException extends LlmException {

    private static final long serialVersionUID = 1L;

    /** The error code, as a gateway answers it. */
    public static final String CODE = "budget_exceeded";

    private final Instant resetsAt;

    private BudgetExceededException(Builder b, Instant resetsAt) {
        super(b);
        this.resetsAt = resetsAt;
    }

    public static BudgetExceededException of(String provider, String what, BigDecimal spent, BigDecimal amount, Duration period,
                                      Instant resetsAt, Duration untilReset) {
        return new BudgetExceededException(LlmException.builder(ErrorKind.QUOTA, provider)
                .code(CODE)
                .retryable(false)
                .retryAfter(untilReset.isNegative() ? Duration.ZERO : untilReset)
                .message("the budget of " + what + " is spent: $" + money(spent) + " of $" + money(amount) + " per "
                        + Durations.text(period) + "; it resets at " + resetsAt),
                resetsAt);
    }

    public static BudgetExceededException of(String provider, String what, BigDecimal spent, BudgetLimit limit, Instant resetsAt,
                                      Duration untilReset) {
        return of(provider, what, spent, limit.amount(), limit.period(), resetsAt, untilReset);
    }

    /** The budget is not spent, but the calls in flight hold so much of it that this call's estimate does not fit. */
    public static BudgetExceededException held(String provider, String what, BigDecimal spent, BigDecimal reserved,
                                        BigDecimal estimate, BudgetLimit limit, Instant resetsAt, Duration untilReset) {
        return new BudgetExceededException(LlmException.builder(ErrorKind.QUOTA, provider)
                .code(CODE)
                .retryable(false)
                .retryAfter(untilReset.isNegative() ? Duration.ZERO : untilReset)
                .message("the budget of " + what + " cannot cover this call: $" + money(spent) + " spent and $"
                        + money(reserved) + " held by calls in flight of $" + money(limit.amount()) + " per "
                        + Durations.text(limit.period())
                        + (estimate == null ? "" : "; this call is estimated at $" + money(estimate))
                        + "; it resets at " + resetsAt),
                resetsAt);
    }

    private static String money(BigDecimal usd) {
        return usd.signum() == 0 ? "0" : usd.stripTrailingZeros().toPlainString();
    }

    /** When the budget's period ends and spending starts again at zero. */
    public Instant resetsAt() {
        return resetsAt;
    }
}
