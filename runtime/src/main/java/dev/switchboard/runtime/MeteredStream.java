package dev.switchboard.runtime;

import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Cost;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.Usage;
import dev.switchboard.spi.AbstractChatStream;

/**
 * A provider's stream with its accounting done when it ends ({@link #release}): completed, failed or closed early.
 * The limiter's reservation is settled with the reported usage (or kept, or released, see
 * {@link MeteredProvider#failed}); an answer that completed or reported usage is priced and recorded in the ledger.
 * {@link #collect()} carries the {@link Cost}; so does {@link #cost()} once the stream has ended.
 */
final class MeteredStream extends AbstractChatStream {

    private final ChatStream delegate;
    private final String requestedModel;
    private final MeteredProvider provider;
    private final RateLimiter.Reservation reservation;
    private final UsageScope scope;
    private volatile RuntimeException failure;
    /** The model the provider named in its first event; written by the pulling thread. */
    private volatile String answered;
    private volatile Cost cost = Cost.UNKNOWN;

    MeteredStream(ChatStream delegate, String requestedModel, MeteredProvider provider, RateLimiter.Reservation reservation,
                  UsageScope scope) {
        super(delegate.provider(), requestedModel);
        this.delegate = delegate;
        this.requestedModel = requestedModel;
        this.provider = provider;
        this.reservation = reservation;
        this.scope = scope;
    }

    @Override
    protected boolean fetch() {
        try {
            if (delegate.hasNext()) {
                ChatEvent event = delegate.next();
                if (answered == null && event instanceof ChatEvent.Started s && s.model() != null && !s.model().isEmpty()) {
                    answered = s.model();
                }
                emit(event);
                return true;
            }
            return false;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    protected void release(boolean completed) {
        try {
            Failures.closeQuietly(delegate, delegate.provider());
        } finally {
            account(completed);
        }
    }

    private void account(boolean completed) {
        Usage usage = accumulated().usage();
        RuntimeException failed = failure;
        if (!usage.equals(Usage.NONE)) {
            provider.settle(reservation, usage);
        } else if (failed != null) {
            provider.failed(reservation, failed, accumulated().hasContent());
        } else {
            provider.settle(reservation, usage); // no counts: the estimate stands
        }
        if (completed || !usage.equals(Usage.NONE)) {
            String model = answered;
            Cost c = provider.price(model, requestedModel, usage);
            cost = c;
            provider.record(scope, model, requestedModel, usage, c);
        }
    }

    @Override
    public ChatResponse collect() {
        ChatResponse r = super.collect();
        return r.withCost(cost);
    }

    /** The answer's cost once the stream has ended; unknown before, or when its price or usage is not known. */
    Cost cost() {
        return cost;
    }

    @Override
    public RateLimits rateLimits() {
        return delegate.rateLimits();
    }

    @Override
    public String provider() {
        return delegate.provider();
    }

    @Override
    public String toString() {
        return "metered " + delegate;
    }
}
