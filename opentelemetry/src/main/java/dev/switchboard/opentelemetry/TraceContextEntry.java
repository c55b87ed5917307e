package dev.switchboard.opentelemetry;

import dev.switchboard.runtime.InboundContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Continues an inbound request's trace: its {@code traceparent} and {@code tracestate} (or whatever the
 * application's propagators read) become the current context while the gateway serves it, so the spans of its
 * route's tries are children of the caller's span. With no propagators configured (no SDK, or an SDK built without
 * them) the W3C trace context is read all the same: the header is the gateway's contract.
 */
final class TraceContextEntry implements InboundContext {

    private static final TextMapGetter<Function<String, @Nullable String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, @Nullable String> headers) {
            // Only the propagators' own fields are ever looked up; the gateway offers no listing of headers.
            return List.of();
        }

        @Override
        public @Nullable String get(@Nullable Function<String, @Nullable String> headers, String key) {
            return headers == null ? null : headers.apply(key);
        }
    };

    private final TextMapPropagator propagator;

    TraceContextEntry(OpenTelemetry openTelemetry) {
        TextMapPropagator configured = openTelemetry.getPropagators().getTextMapPropagator();
        this.propagator = configured.fields().isEmpty() ? W3CTraceContextPropagator.getInstance() : configured;
    }

    @Override
    public Scope enter(Function<String, @Nullable String> headers) {
        Context caller;
        try {
            caller = propagator.extract(Context.current(), headers, HEADERS);
        } catch (RuntimeException e) {
            return Scope.EMPTY; // a propagator that trips on a header must not fail the request
        }
        return caller.makeCurrent()::close;
    }
}
