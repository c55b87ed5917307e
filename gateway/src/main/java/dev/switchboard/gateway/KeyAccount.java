package dev.switchboard.gateway;

import dev.switchboard.api.Usage;
import dev.switchboard.runtime.metering.Budget;
import dev.switchboard.runtime.BudgetExceededException;
import dev.switchboard.runtime.metering.LimitPolicy;
import dev.switchboard.runtime.metering.RateLimiter;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.UsageLedger;
import dev.switchboard.runtime.UsageScope;
import java.time.Duration;

/**
 * What the gateway keeps for one access key: its rate limiter and its budget (each only when configured). A request
 * with the key is {@linkplain #admit admitted} before anything is sent upstream, or answered 429. Thread-safe.
 */
final class KeyAccount {

    /** A request that was let through: the usage it records is the key's; close it when the request ends. */
    static final class Ticket implements AutoCloseable {
        private final RateLimiter limiter;
        private final RateLimiter.Reservation reservation;
        private final UsageScope scope;

        private Ticket(RateLimiter limiter, RateLimiter.Reservation reservation, UsageScope scope) {
            this.limiter = limiter;
            this.reservation = reservation;
            this.scope = scope;
        }

        /** The request ended with this usage: the key's reservation is settled with it (kept when none is known). */
        void used(Usage usage) {
            if (reservation == null) {
                return;
            }
            if (usage.equals(Usage.NONE)) {
                limiter.keep(reservation);
            } else {
                limiter.settle(reservation, usage.totalTokens());
            }
        }

        /** Ends the key's scope; a reservation not settled by then gives its tokens back (the request still counts). */
        @Override
        public void close() {
            if (reservation != null) {
                limiter.release(reservation, true);
            }
            scope.close();
        }
    }

    private final AccessKey key;
    private final RateLimiter limiter;
    private final Budget budget;

    KeyAccount(AccessKey key, Switchboard switchboard) {
        this.key = key;
        this.limiter = key.requestsPerMinute() > 0 || key.tokensPerMinute() > 0
                ? new RateLimiter("key " + key.name(), new LimitPolicy(key.requestsPerMinute(), key.tokensPerMinute(),
                        Duration.ZERO, LimitPolicy.DEFAULT_OUTPUT_TOKENS), switchboard.clock(), switchboard.state(),
                        "key:" + key.name())
                : null;
        this.budget = key.budget().map(b -> new Budget("key " + key.name(), b, switchboard.clock(),
                switchboard.state(), "key:" + key.name())).orElse(null);
        if (budget != null) {
            switchboard.ledger().track(UsageLedger.Dimension.KEY, key.name(), budget);
        }
    }

    String name() {
        return key.name();
    }

    Budget budget() {
        return budget;
    }

    /**
     * Whether {@link #admit} asks the state store nothing: the key has neither a rate limit nor a budget, whose checks
     * go to the store (a server, or a disk write waited for). Such a key's admission never blocks and never refuses.
     */
    boolean admitsWithoutStore() {
        return limiter == null && budget == null;
    }

    /**
     * Lets a request estimated at {@code estimatedTokens} through, or says why not.
     *
     * @throws Refused with the 429 to answer when the key's budget is spent or its limits are reached
     */
    Ticket admit(long estimatedTokens) throws Refused {
        if (budget != null) {
            try {
                budget.check(key.name());
            } catch (BudgetExceededException e) {
                throw new Refused(ErrorReply.budgetExceeded(e));
            }
        }
        RateLimiter.Reservation reservation = null;
        if (limiter != null) {
            RateLimiter.Decision d = limiter.tryAcquire(estimatedTokens);
            if (!d.granted()) {
                throw new Refused(ErrorReply.keyRateLimited(key.name(), d.reason(), d.retryAfter()));
            }
            reservation = d.reservation();
        }
        return new Ticket(limiter, reservation, UsageScope.key(key.name()));
    }

    /** A request the key may not make now. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient ErrorReply reply;

        Refused(ErrorReply reply) {
            super(reply.message(), null, false, false);
            this.reply = reply;
        }

        ErrorReply reply() {
            return reply;
        }
    }
}
