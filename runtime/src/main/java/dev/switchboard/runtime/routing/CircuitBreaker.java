package dev.switchboard.runtime.routing;

import dev.switchboard.runtime.CircuitState;
import dev.switchboard.runtime.CooldownPolicy;
import dev.switchboard.runtime.TargetState;
import dev.switchboard.api.ErrorKind;
import java.time.Clock;
import java.time.Instant;

/**
 * The cooldown of one route target, shared by every call through the route. After
 * {@link CooldownPolicy#failureThreshold()} consecutive failures the target is open (skipped) for
 * {@link CooldownPolicy#duration()}; then half-open: one probe call at a time is let through, and its success closes
 * the target while its failure opens it for another cooldown.
 *
 * <p>Thread-safe. Every {@link Permit} handed out must be settled exactly once with {@link #succeeded},
 * {@link #failed} or {@link #released}, or a half-open target would wait for its probe forever.
 */
public final class CircuitBreaker {

    /** What {@link #tryAcquire} allows. */
    public enum Permit {
        /** The target is closed: go ahead. */
        CALL,
        /** The target is half-open and this call is its one probe. */
        PROBE,
        /** The target is cooling down (or another call is probing it): skip it. */
        REJECTED
    }

    private final String label;
    private final CooldownPolicy policy;
    private final Clock clock;

    // Guarded by this.
    private int consecutiveFailures;
    private Instant openUntil;
    private boolean probeInFlight;
    private ErrorKind lastFailure;

    public CircuitBreaker(String label, CooldownPolicy policy, Clock clock) {
        this.label = label;
        this.policy = policy;
        this.clock = clock;
    }

    synchronized Permit tryAcquire() {
        if (openUntil == null) {
            return Permit.CALL;
        }
        if (clock.instant().isBefore(openUntil) || probeInFlight) {
            return Permit.REJECTED;
        }
        probeInFlight = true;
        return Permit.PROBE;
    }

    /** The call succeeded: the target is healthy again. */
    synchronized void succeeded(Permit permit) {
        consecutiveFailures = 0;
        openUntil = null;
        if (permit == Permit.PROBE) {
            probeInFlight = false;
        }
    }

    /**
     * The target failed the call (its retries included).
     *
     * @return true when this failure opened the target
     */
    synchronized boolean failed(Permit permit, ErrorKind kind) {
        if (consecutiveFailures < Integer.MAX_VALUE) {
            consecutiveFailures++;
        }
        lastFailure = kind;
        if (permit == Permit.PROBE) {
            probeInFlight = false;
            openUntil = clock.instant().plus(policy.duration());
            return true;
        }
        // A call admitted while closed that fails after the target opened must not extend the cooldown.
        if (openUntil == null && consecutiveFailures >= policy.failureThreshold()) {
            openUntil = clock.instant().plus(policy.duration());
            return true;
        }
        return false;
    }

    /** The call ended without saying anything about the target's health (e.g. the request itself was invalid). */
    synchronized void released(Permit permit) {
        if (permit == Permit.PROBE) {
            probeInFlight = false;
        }
    }

    /** The kind of the last failure, to explain a skip; null if the target never failed. */
    synchronized ErrorKind lastFailure() {
        return lastFailure;
    }

    public synchronized TargetState state() {
        CircuitState state = openUntil == null ? CircuitState.CLOSED
                : clock.instant().isBefore(openUntil) ? CircuitState.OPEN : CircuitState.HALF_OPEN;
        return new TargetState(label, state, consecutiveFailures, openUntil);
    }

    /** Whether a half-open target's probe is still running. */
    synchronized boolean probeInFlight() {
        return probeInFlight;
    }
}
