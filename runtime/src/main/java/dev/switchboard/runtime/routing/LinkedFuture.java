package dev.switchboard.runtime.routing;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;

/**
 * The future of a layer built on another call's future (a route's on its target's, a metered call's on its
 * provider's): cancelling it cancels that call too. A {@link CompletableFuture} made from another does not pass a
 * cancel on by itself, so without this a caller giving up a route's call would leave the provider's request running.
 * The layer completes this future from its own completion of the call, which sees the cancel as the call's
 * {@link java.util.concurrent.CancellationException} and gives back what the call held.
 */
public final class LinkedFuture<T> extends CompletableFuture<T> {

    private final Future<?> upstream;

    /** @param upstream the call this future's layer is waiting for */
    public LinkedFuture(Future<?> upstream) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
    }

    /** Cancels this future and, when that cancelled it (it was not done), the call it waits for. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            upstream.cancel(mayInterruptIfRunning);
        }
        return cancelled;
    }

    /** Completes this future as a call ended: with {@code value}, or with {@code failure} {@linkplain #cause unwrapped}. */
    public void completeAs(T value, Throwable failure) {
        if (failure == null) {
            complete(value);
        } else {
            completeExceptionally(cause(failure));
        }
    }

    /**
     * What a call threw, as its future reports it: the cause a {@link CompletionException} wraps (a future made from
     * another wraps its failure in one), else the failure itself.
     */
    public static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
