package dev.switchboard.opentelemetry;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.RateLimits;
import dev.switchboard.spi.ChatAccumulator;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A stream whose span ends with it: when it runs out (with the answer folded from its events), fails, or is closed
 * early. A route's stream makes its span current while it is pulled, so the targets a resumed stream calls become
 * its children.
 */
final class TracedChatStream implements ChatStream {

    private final ChatStream delegate;
    private final TracedProvider.Call call;
    private final boolean current;
    private final ChatAccumulator events = new ChatAccumulator();
    private boolean sawContent;

    TracedChatStream(ChatStream delegate, TracedProvider.Call call, boolean current) {
        this.delegate = delegate;
        this.call = call;
        this.current = current;
    }

    @Override
    public boolean hasNext() {
        try (Scope ignored = scope()) {
            boolean more = delegate.hasNext();
            if (!more) {
                call.answered(events.toResponse(delegate.provider(), "", delegate.rateLimits(), delegate.attempts()));
            }
            return more;
        } catch (RuntimeException | Error e) {
            call.failed(e);
            throw e;
        }
    }

    @Override
    public ChatEvent next() {
        ChatEvent event;
        try (Scope ignored = scope()) {
            event = delegate.next();
        } catch (NoSuchElementException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            call.failed(e);
            throw e;
        }
        if (!sawContent && (event instanceof ChatEvent.TextDelta || event instanceof ChatEvent.ToolCallDelta
                || event instanceof ChatEvent.ReasoningDelta)) {
            sawContent = true;
            call.firstChunk(System.nanoTime());
        }
        events.accept(event);
        return event;
    }

    @Override
    public ChatResponse collect() {
        ChatResponse r;
        try (Scope ignored = scope()) {
            r = delegate.collect();
        } catch (RuntimeException | Error e) {
            call.failed(e);
            throw e;
        }
        call.answered(r);
        return r;
    }

    @Override
    public String provider() {
        return delegate.provider();
    }

    @Override
    public RateLimits rateLimits() {
        return delegate.rateLimits();
    }

    @Override
    public List<Attempt> attempts() {
        return delegate.attempts();
    }

    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            call.abandoned(delegate.attempts());
        }
    }

    private Scope scope() {
        return current ? call.span().makeCurrent() : Scope.noop();
    }
}
