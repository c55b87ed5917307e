package dev.switchboard.runtime.routing;

import dev.switchboard.runtime.ProviderManager;
import dev.switchboard.runtime.StreamFailover;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.LlmException;
import dev.switchboard.spi.ChatAccumulator;
import java.util.List;
import java.util.Objects;

/**
 * What a route's stream does when its live stream fails after content reached the caller: give up ({@link #NEVER})
 * or continue the answer with another target ({@link ProviderManager}'s resumer for
 * {@link StreamFailover#RESUME}). One resumer serves one stream, from the thread that pulls it.
 */
@FunctionalInterface
public interface StreamResumer {

    StreamResumer NEVER = (failure, delivered) -> null;

    /**
     * A stream that continues the answer, and the tries it took (the failed stream's own entry first).
     *
     * @param opened           the continuing target's stream, pulled up to its first content event
     * @param attempts         what to add to the route stream's trail
     * @param skipLeadingSpace whether the caller already has whitespace the resume request left out (see
     *                         {@link ResumePrefix}): the continuation's leading whitespace is then dropped, so the
     *                         text reads as one answer instead of repeating the break
     */
    record Continuation(OpenedStream opened, List<Attempt> attempts, boolean skipLeadingSpace) {
        public Continuation {
            Objects.requireNonNull(opened, "opened");
            attempts = List.copyOf(attempts);
        }

        public Continuation(OpenedStream opened, List<Attempt> attempts) {
            this(opened, attempts, false);
        }
    }

    /**
     * @param failure   how the live stream failed
     * @param delivered everything the caller has pulled so far
     * @return the continuation, or null to let {@code failure} propagate
     * @throws LlmException when resuming was tried and failed (e.g. every remaining target failed); it names both
     *                      the mid-stream failure and the tries that followed
     */
    Continuation resume(LlmException failure, ChatAccumulator delivered);

    /** Why the last {@link #resume} gave up without trying (e.g. "a tool call had started"); empty otherwise. */
    default java.util.Optional<String> notResumedBecause() {
        return java.util.Optional.empty();
    }
}
