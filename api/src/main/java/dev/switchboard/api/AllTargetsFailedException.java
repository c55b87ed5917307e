package dev.switchboard.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A route gave up: every target failed or was skipped. The message is one line naming the route and, for every
 * target, why it was given up, e.g. {@code route default: all targets failed: openai (RATE_LIMIT: HTTP 429 ...),
 * groq (CONNECTION: ...)}; {@link #attempts()} (inherited, like every route failure's) holds every try, retries and
 * skips included.
 *
 * <p>{@link #kind()} summarises the targets' final failures (one per target, {@link #failures()}):
 * <ul>
 *   <li>{@link ErrorKind#RATE_LIMIT} when every target failed with a rate limit; {@link #retryAfter()} is then the
 *       smallest hint among them (empty when none gave one), so a caller knows when the route may work again;</li>
 *   <li>{@link ErrorKind#OVERLOADED} when every target failed with a rate limit or an overload, at least one an
 *       overload (all providers busy: worth trying later);</li>
 *   <li>otherwise the kind of the last target's failure.</li>
 * </ul>
 * There is no HTTP status: the failures came from several providers. {@link #provider()} is the route's name.
 */
public final class AllTargetsFailedException extends LlmException {

    private static final long serialVersionUID = 1L;

    /** Longest text kept of one target's reason, so the whole message stays one readable line. */
    private static final int MAX_REASON = 200;

    /**
     * Why one target of a route was given up.
     *
     * @param target the target's label (provider name, with {@code /model} when the route overrides the model)
     * @param error  its final failure
     */
    public record TargetFailure(String target, LlmException error) {
        public TargetFailure {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(error, "error");
        }
    }

    private final transient List<TargetFailure> failures;
    private final String summary;

    /**
     * @param route    the route's name
     * @param attempts every try within the call, in order
     * @param failures one per target, in route order; at least one
     */
    public AllTargetsFailedException(String route, List<Attempt> attempts, List<TargetFailure> failures) {
        super(builder(route, failures).attempts(attempts));
        this.failures = List.copyOf(failures);
        this.summary = summarise(route, this.failures);
        for (int i = 0; i < this.failures.size() - 1; i++) {
            addSuppressed(this.failures.get(i).error());
        }
    }

    private static LlmException.Builder builder(String route, List<TargetFailure> failures) {
        Objects.requireNonNull(route, "route");
        if (failures.isEmpty()) {
            throw new IllegalArgumentException("a route that failed has at least one failed target");
        }
        boolean allRateLimits = true;
        boolean allBusy = true;
        Duration smallestHint = null;
        for (TargetFailure f : failures) {
            ErrorKind kind = f.error().kind();
            allRateLimits &= kind == ErrorKind.RATE_LIMIT;
            allBusy &= kind == ErrorKind.RATE_LIMIT || kind == ErrorKind.OVERLOADED;
            Duration hint = f.error().retryAfter().orElse(null);
            if (hint != null && (smallestHint == null || hint.compareTo(smallestHint) < 0)) {
                smallestHint = hint;
            }
        }
        LlmException last = failures.get(failures.size() - 1).error();
        ErrorKind kind = allRateLimits ? ErrorKind.RATE_LIMIT : allBusy ? ErrorKind.OVERLOADED : last.kind();
        return LlmException.builder(kind, route)
                .retryAfter(allRateLimits ? smallestHint : null)
                .message("all targets failed")
                .cause(last);
    }

    private static String summarise(String route, List<TargetFailure> failures) {
        StringBuilder sb = new StringBuilder("route ").append(route).append(": all targets failed: ");
        for (int i = 0; i < failures.size(); i++) {
            TargetFailure f = failures.get(i);
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(f.target()).append(" (").append(f.error().kind()).append(": ").append(reason(f.error())).append(')');
        }
        return sb.toString();
    }

    /** The failure's message without its leading {@code provider: } (the summary names the target already). */
    private static String reason(LlmException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        String prefix = e.provider() + ": ";
        if (m.startsWith(prefix)) {
            m = m.substring(prefix.length());
        }
        m = m.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return m.length() > MAX_REASON ? m.substring(0, MAX_REASON) + "..." : m;
    }

    /** One line: the route and, per target, the kind and reason of its failure. */
    @Override
    public String getMessage() {
        return summary;
    }

    /** Why each target was given up, in route order. */
    public List<TargetFailure> failures() {
        return failures == null ? List.of() : failures;
    }
}
