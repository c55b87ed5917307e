package dev.switchboard.runtime.state;

import java.time.Duration;
import java.util.Optional;

/**
 * Answers a response cache keeps where many instances see them ({@code switchboard.cache.backend = redis}): opaque
 * text under a key, forgotten after a time to live. The cache makes the keys (already unique per route, model,
 * access key and request) and the text; the store only keeps them under its own prefix. Implementations are
 * thread-safe; a method whose store cannot be reached throws {@link StateUnavailableException}, and the cache then
 * answers as if the entry were not there.
 */
public interface ResponseStore {

    /** The text kept under {@code key}, or empty when there is none (never kept, or expired). */
    Optional<String> get(String key);

    /** Keeps {@code value} under {@code key} for {@code ttl}, replacing what was there. */
    void put(String key, String value, Duration ttl);
}
