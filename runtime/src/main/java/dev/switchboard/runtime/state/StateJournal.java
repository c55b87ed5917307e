package dev.switchboard.runtime.state;

/**
 * Where a {@link MemoryStateStore} writes its changes so that they outlive the process (the {@code embedded}
 * backend). {@link #append} is called while the entry it changes is locked, so it must only queue the change and
 * return at once (or wait while its bounded queue is full); the store then calls {@link #awaitDurable} after
 * unlocking, so that many calls share one write (group commit) and a call returns only once its change is on disk.
 * Usage records are the exception: the store queues them without awaiting, and a later awaited change (which is
 * written in order after them) or {@link UsageLog#query} makes them durable too.
 */
public interface StateJournal extends AutoCloseable {

    /** Keeps nothing: the {@code memory} backend. */
    StateJournal NONE = new StateJournal() {
        @Override
        public long append(StateChange change) {
            return 0;
        }

        @Override
        public void awaitDurable(long sequence) {}

        @Override
        public void close() {}
    };

    /**
     * Queues {@code change}, in order after every change appended before it.
     *
     * @return its sequence number, for {@link #awaitDurable}
     */
    long append(StateChange change);

    /**
     * Returns once the change numbered {@code sequence} (and every one before it) is written.
     *
     * @throws StateUnavailableException when it cannot be written
     */
    void awaitDurable(long sequence);

    /** Writes what is queued, then releases the files. */
    @Override
    void close();
}
