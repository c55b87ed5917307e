package dev.switchboard.runtime;

import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmException;
import dev.switchboard.spi.ChatAccumulator;

/**
 * What a route's stream does when its live stream fails after content reached the caller. Today the route never
 * resumes ({@link #NEVER}): the failure propagates. A later strategy may ask another target to continue the answer
 * from what was delivered; the route stream then replays nothing and pulls the returned stream instead.
 */
@FunctionalInterface
interface StreamResumer {

    StreamResumer NEVER = (failure, delivered) -> null;

    /**
     * @param failure   how the live stream failed
     * @param delivered everything the caller has pulled so far
     * @return a stream that continues the answer, or null to let {@code failure} propagate
     */
    ChatStream resume(LlmException failure, ChatAccumulator delivered);
}
