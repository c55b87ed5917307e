package dev.switchboard.runtime;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Carries what an inbound request says about its caller (a W3C {@code traceparent}, say) into the route calls made
 * to serve it. A server in front of a {@link Switchboard} (the gateway) {@link #enter enters} it on the thread that
 * serves a request, around the route calls it makes, so whatever observes those calls (a {@link TargetDecorator})
 * finds the caller's context current. The server needs to know nothing of the observer: the OpenTelemetry module
 * installs one that continues the caller's trace.
 */
@FunctionalInterface
public interface InboundContext {

    /** Carries nothing. */
    InboundContext NONE = headers -> Scope.EMPTY;

    /**
     * Makes the context the request's headers carry current on this thread until the returned scope is closed, on
     * the same thread. Must not throw for headers it cannot read: a malformed header is ignored.
     *
     * @param headers a request header's value by its name (any case), or null when the request has none
     */
    Scope enter(Function<String, @Nullable String> headers);

    /** Restores what was current before {@link #enter}. */
    @FunctionalInterface
    interface Scope extends AutoCloseable {

        /** Restores nothing. */
        Scope EMPTY = () -> { };

        @Override
        void close();
    }
}
