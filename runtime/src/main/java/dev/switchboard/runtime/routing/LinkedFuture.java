package dev.switchboard.runtime.routing;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;

/**
 * The future of a call whose layers (a route, its fallback chain, a target's accounting) wait for another call's
 * future, the provider's: cancelling it cancels that call too. A {@link CompletableFuture} made from another does not
 * pass a cancel on by itself, so without this a caller giving up a route's call would leave the provider's request
 * running. The layers hear of the provider's call ending as plain method calls ({@link CallEnd}) and the outermost
 * completes this future: one future per call, whatever the number of layers. It is made before the call it waits
 * for starts ({@link #link}), since a call may end while it is being started.
 */
public final class LinkedFuture<T> extends CompletableFuture<T> {

    private volatile Future<?> upstream;

    /** A future to {@link #link} to the call it waits for once that call has started. */
    public LinkedFuture() {}

    /**
     * Links this future to {@code call}, the call it waits for: from now on a cancel of this future cancels it, and a
     * cancel that came before is passed on now.
     */
    public void link(Future<?> call) {
        upstream = Objects.requireNonNull(call, "call");
        if (isCancelled()) {
            call.cancel(true);
        }
    }

    /** Cancels this future and, when that cancelled it (it was not done), the call it waits for. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Future<?> call = upstream;
        if (cancelled && call != null) { // not linked yet: link passes the cancel on
            call.cancel(mayInterruptIfRunning);
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
