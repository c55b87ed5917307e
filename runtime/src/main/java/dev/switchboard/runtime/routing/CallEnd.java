package dev.switchboard.runtime.routing;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Where one layer of a call made without waiting (a target's accounting, its count of calls in flight, the route's
 * fallback chain) hands the call's end to the layer above, as a plain method call on the thread that ends it: the
 * layers of one call share the provider's future and the route's {@link LinkedFuture} instead of each making a
 * future and a callback of its own. {@link #ended} is called once; it must not block (it may run on an I/O thread).
 */
@FunctionalInterface
public interface CallEnd<T> {

    /** The call ended with {@code value}, or failed with {@code failure} (unwrapped; a cancel is a CancellationException). */
    void ended(@Nullable T value, @Nullable Throwable failure);

    /** Has {@code end} hear of {@code call}'s end: a provider's own future, as the layers above it hear of it. */
    static <T> void whenDone(CompletableFuture<T> call, CallEnd<T> end) {
        call.whenComplete((value, failure) -> end.ended(value, failure == null ? null : LinkedFuture.cause(failure)));
    }
}
