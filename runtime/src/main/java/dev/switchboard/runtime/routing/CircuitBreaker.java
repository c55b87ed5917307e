package dev.switchboard.runtime.routing;

import dev.switchboard.runtime.CircuitState;
import dev.switchboard.runtime.CooldownPolicy;
import dev.switchboard.runtime.TargetState;
import dev.switchboard.api.ErrorKind;
import java.time.Clock;
import dev.switchboard.runtime.state.CooldownPermit;
import dev.switchboard.runtime.state.CooldownView;
import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.StateStore;
import org.jspecify.annotations.Nullable;

/**
 * The cooldown of one route target, shared by every call through the route. After
 * {@link CooldownPolicy#failureThreshold()} consecutive failures the target is open (skipped) for
 * {@link CooldownPolicy#duration()}; then half-open: one probe call at a time is let through, and its success closes
 * the target while its failure opens it for another cooldown.
 *
 * <p>The state lives in a {@link StateStore}: a cooldown opened by one instance is honoured by every instance sharing
 * the store. Thread-safe. Every {@link Permit} handed out must be settled exactly once with {@link #succeeded},
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
    private final StateStore store;
    private final String id;
    /**
     * What the last failure this instance saw said (e.g. which variable to set for a missing key), so that a skip
     * still says it; kept in memory only: another instance sharing the store explains with the kind alone.
     */
    private volatile @Nullable String lastFailureMessage;

    /** A cooldown whose state lives in memory, its own. */
    public CircuitBreaker(String label, CooldownPolicy policy, Clock clock) {
        this(label, policy, clock, new MemoryStateStore(), label);
    }

    /** A cooldown whose state lives in {@code store} under {@code id} ({@code <route>:<label>}). */
    public CircuitBreaker(String label, CooldownPolicy policy, Clock clock, StateStore store, String id) {
        this.label = label;
        this.policy = policy;
        this.clock = clock;
        this.store = store;
        this.id = id;
    }

    Permit tryAcquire() {
        return switch (store.acquireCooldown(id, clock.instant())) {
            case CALL -> Permit.CALL;
            case PROBE -> Permit.PROBE;
            case REJECTED -> Permit.REJECTED;
        };
    }

    /** Whether {@link #tryAcquire} waits for nothing: the store keeps the cooldowns in this process. */
    boolean permitsWithoutWaiting() {
        return store.answersFromThisProcess();
    }

    /**
     * Whether {@link #succeeded} with {@code permit} waits for nothing: the store's changes do not wait, or the
     * success changes nothing (a call let through a closed target that has no failure to forget).
     */
    boolean succeedsWithoutWaiting(Permit permit) {
        if (store.changesWithoutWaiting()) {
            return true;
        }
        if (permit != Permit.CALL || !store.answersFromThisProcess()) {
            return false;
        }
        CooldownView v = store.cooldown(id);
        return v.consecutiveFailures() == 0 && v.openUntil() == null;
    }

    /** The call succeeded: the target is healthy again. */
    void succeeded(Permit permit) {
        store.cooldownSucceeded(id, shared(permit));
    }

    /**
     * The target failed the call (its retries included).
     *
     * @return true when this failure opened the target
     */
    boolean failed(Permit permit, ErrorKind kind) {
        return failed(permit, kind, null);
    }

    /** {@link #failed(Permit, ErrorKind)}, remembering what the failure said for {@link #lastFailureMessage()}. */
    boolean failed(Permit permit, ErrorKind kind, @Nullable String message) {
        if (message != null && !message.isBlank()) {
            lastFailureMessage = message;
        }
        return store.cooldownFailed(id, shared(permit), kind, policy.failureThreshold(), policy.duration(),
                clock.instant());
    }

    /** The call ended without saying anything about the target's health (e.g. the request itself was invalid). */
    void released(Permit permit) {
        store.cooldownReleased(id, shared(permit));
    }

    /**
     * The kind of the last failure, to explain a skip or a cooldown; null if the target never failed. Kept by the
     * state store, so a persistent backend still knows it after a restart.
     */
    public ErrorKind lastFailure() {
        return store.cooldown(id).lastFailure();
    }

    /** What the last failure recorded here said; null when none said anything. */
    @Nullable String lastFailureMessage() {
        return lastFailureMessage;
    }

    public TargetState state() {
        CooldownView v = store.cooldown(id);
        CircuitState state = v.openUntil() == null ? CircuitState.CLOSED
                : clock.instant().isBefore(v.openUntil()) ? CircuitState.OPEN : CircuitState.HALF_OPEN;
        return new TargetState(label, state, v.consecutiveFailures(), v.openUntil());
    }

    /** Whether a half-open target's probe is still running. */
    boolean probeInFlight() {
        return store.cooldown(id).probeInFlight();
    }

    private static CooldownPermit shared(Permit permit) {
        return switch (permit) {
            case CALL -> CooldownPermit.CALL;
            case PROBE -> CooldownPermit.PROBE;
            case REJECTED -> CooldownPermit.REJECTED;
        };
    }
}
