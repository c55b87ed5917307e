package dev.switchboard.gateway;

import dev.switchboard.api.Attempt;
import dev.switchboard.runtime.CallOutcome;
import dev.switchboard.runtime.UsageRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps in the usage log the calls that ended with an error answer and no content, so the log holds one record per
 * call, not only per answered one: every target failed before any content, every target was skipped, a budget or the
 * key's own limit refused it, no target supports it. A request refused before it reached a route (a malformed body,
 * an unknown model, a missing key, a gateway too busy to take it) is not a call and is not kept: it names no route
 * to attribute it to, and an unauthenticated flood must not be able to fill the log. Nor is an internal failure,
 * which may come after the call was answered and recorded.
 */
final class UnansweredCalls {

    private static final Set<Exchange.Endpoint> CALLS = EnumSet.of(Exchange.Endpoint.CHAT,
            Exchange.Endpoint.RESPONSES, Exchange.Endpoint.EMBEDDINGS, Exchange.Endpoint.MESSAGES);
    /** The gateway's own failures: not the call's outcome. */
    private static final Set<String> NOT_THE_CALLS = Set.of("internal", "unavailable");

    private UnansweredCalls() {}

    /** Records {@code exchange}'s call when it ended unanswered (see the class); never throws. */
    static void finished(GatewayServer server, Exchange exchange, int status, long nanos) {
        ErrorReply error = exchange.error;
        ModelResolver.Resolved target = exchange.target;
        if (status < 400 || error == null || target == null || !CALLS.contains(exchange.endpoint())
                || NOT_THE_CALLS.contains(error.kind())) {
            return;
        }
        try {
            List<Attempt> trail = exchange.trail;
            List<String> tried = new ArrayList<>(trail.size());
            for (Attempt a : trail) {
                if (!a.outcome().isSkip()) {
                    tried.add(a.provider());
                }
            }
            server.switchboard().ledger().recordUnanswered(UsageRecord.unanswered(
                    server.switchboard().clock().instant(), target.model() == null ? "" : target.model(),
                    target.route().name(), exchange.key == null ? "" : exchange.key.name(), exchange.requestId(),
                    Duration.ofNanos(nanos), outcome(error, trail), tried));
        } catch (RuntimeException e) {
            FailureLine.log(System.Logger.Level.WARNING, "the usage log could not keep request "
                    + exchange.requestId(), e);
        }
    }

    /**
     * {@code refused} for a spent budget or the key's own limit (refused before any target, so no trail),
     * {@code unsupported} when no target supports the call, {@code skipped} when every target was skipped untried,
     * else the failure's kind ({@code server}, {@code rate_limit}, {@code timeout}...).
     */
    static CallOutcome outcome(ErrorReply error, List<Attempt> trail) {
        if ("budget_exceeded".equals(error.kind()) || trail.isEmpty() && "rate_limit".equals(error.kind())) {
            return CallOutcome.REFUSED;
        }
        if ("unsupported".equals(error.code())) {
            return new CallOutcome("unsupported");
        }
        if (!trail.isEmpty() && trail.stream().allMatch(a -> a.outcome().isSkip())) {
            return CallOutcome.SKIPPED;
        }
        return new CallOutcome(error.kind());
    }
}
