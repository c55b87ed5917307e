package dev.switchboard.runtime.metering;

import dev.switchboard.runtime.CallOutcome;
import dev.switchboard.runtime.UsageLedger;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageScope;
import dev.switchboard.runtime.routing.Failures;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Cost;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.Usage;
import dev.switchboard.spi.AbstractChatStream;
import java.time.Instant;

/**
 * A provider's stream with its accounting done once, when it ends ({@link #release}): completed, closed early by its
 * caller (abandoned) or failed. The limiter's reservation is settled with the reported usage (or kept, or released,
 * see {@link MeteredProvider#failed}). Unless it failed before any content, the answer is priced and recorded in the
 * ledger, which settles its budget holds: tokens the provider did not report are estimated, the input from the request
 * and the output from the text received, and the record is marked {@linkplain UsageRecord#estimated() estimated}. A
 * stream that fails before any content is the provider's failure, not the caller's spending: its holds are released.
 * {@link #collect()} carries the {@link Cost}; so does {@link #cost()} once the stream has ended.
 *
 * <p>One thread pulls; {@link #close()} may come from another (a server whose client left): the counts are therefore
 * kept in volatile fields written only by the pulling thread, so the accounting never reads the accumulator a puller
 * may be writing. Events still in flight when another thread closes are not counted.
 */
public final class MeteredStream extends AbstractChatStream {

    private final ChatStream delegate;
    private final String requestedModel;
    private final MeteredProvider provider;
    private final RateLimiter.Reservation reservation;
    private final UsageLedger.Reservation held;
    private final UsageScope scope;
    private final Instant since;
    private final long inputEstimate;
    private volatile RuntimeException failure;
    /** The model the provider named in its first event; written by the pulling thread. */
    private volatile String answered;
    /** The provider's last usage report; written by the pulling thread. */
    private volatile Usage reported = Usage.NONE;
    /** Characters of content received (text, reasoning, tool calls); written by the pulling thread. */
    private volatile long contentChars;
    private volatile Cost cost = Cost.UNKNOWN;
    /** The usage recorded in the ledger once the stream ended; {@link Usage#NONE} until then or when none was. */
    private volatile Usage recorded = Usage.NONE;

    MeteredStream(ChatStream delegate, String requestedModel, MeteredProvider provider, RateLimiter.Reservation reservation,
                  UsageLedger.Reservation held, UsageScope scope, Instant since, long inputEstimate) {
        super(delegate.provider(), requestedModel);
        this.delegate = delegate;
        this.requestedModel = requestedModel;
        this.provider = provider;
        this.reservation = reservation;
        this.held = held;
        this.scope = scope;
        this.since = since;
        this.inputEstimate = inputEstimate;
    }

    @Override
    protected boolean fetch() {
        try {
            if (delegate.hasNext()) {
                ChatEvent event = delegate.next();
                count(event);
                emit(event);
                return true;
            }
            return false;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    private void count(ChatEvent event) {
        if (event instanceof ChatEvent.TextDelta t) {
            contentChars += t.text().length();
        } else if (event instanceof ChatEvent.ReasoningDelta r) {
            contentChars += r.text().length();
        } else if (event instanceof ChatEvent.ToolCallDelta c) {
            contentChars += length(c.name()) + length(c.argumentsFragment());
        } else if (event instanceof ChatEvent.UsageReport u) {
            reported = u.usage();
        } else if (answered == null && event instanceof ChatEvent.Started s && s.model() != null && !s.model().isEmpty()) {
            answered = s.model();
        }
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
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
        Usage usage = reported;
        RuntimeException failed = failure;
        long chars = contentChars;
        if (!usage.equals(Usage.NONE)) {
            provider.settle(reservation, usage);
        } else if (failed != null) {
            provider.failed(reservation, failed, chars > 0);
        } else {
            provider.settle(reservation, usage); // no counts: the estimate stands
        }
        if (failed != null && chars == 0 && usage.equals(Usage.NONE)) {
            provider.unhold(held);
            return;
        }
        try {
            Usage counted = TokenEstimate.withEstimates(usage, inputEstimate, chars);
            recorded = counted;
            Cost c = provider.price(answered, requestedModel, counted);
            cost = c;
            CallOutcome outcome = failed != null ? CallOutcome.failed(Failures.of(provider.name(), failed).kind())
                    : completed ? CallOutcome.OK : CallOutcome.CANCELLED;
            provider.record(scope, since, answered, requestedModel, counted, c, !counted.equals(usage), outcome, held);
        } finally {
            provider.unhold(held); // nothing left to give back once recorded
        }
    }

    @Override
    public ChatResponse collect() {
        ChatResponse r = super.collect();
        return r.toBuilder().cost(cost).build();
    }

    /** The answer's cost once the stream has ended; unknown before, or when its price or usage is not known. */
    public Cost cost() {
        return cost;
    }

    /**
     * The usage the ledger recorded for this stream once it has ended: the reported counts, each one the provider
     * left at zero estimated. {@link Usage#NONE} before the end, and for a stream that failed before any content
     * (nothing is recorded for it).
     */
    public Usage recorded() {
        return recorded;
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
