package dev.switchboard.runtime.state;

import dev.switchboard.runtime.UsageRecord;

/**
 * A usage log a {@link UsageLogBackend} opened: {@link #append} queues a call's record for a writer of its own and
 * returns at once, so a request never waits for the database; its queue is bounded, and a record that finds it full
 * is dropped and counted ({@link #dropped}) rather than blocking the call. Thread-safe.
 */
public interface UsageLogWriter extends UsageLog, AutoCloseable {

    /** Queues one call's record; never blocks. */
    void append(UsageRecord record);

    /** Records dropped because the queue was full (the database slower than the traffic, or away). */
    @Override
    long dropped();

    /** Writes what is queued (for a bounded time), then releases the connections. */
    @Override
    void close();
}
