package dev.switchboard.gateway;

import java.nio.channels.CancelledKeyException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import org.apache.hc.core5.reactor.IOSession;

/**
 * A connection's read and write interest, changed with fewer selector wake-ups than HttpCore's own session makes.
 *
 * <p>Every {@code setEvent} and {@code clearEvent} of HttpCore's session wakes the I/O thread's selector (an eventfd
 * write, the selector's wake-up lock, and one more trip round the reactor's loop to read the eventfd back), even when
 * the interest does not change. HttpCore asks for read interest after every request it has read, while reading is
 * already on; and a worker answering a request sets write interest three times (head, body, end), the first while
 * holding the session's lock, so that the I/O thread it woke at once waits for that lock. Here:
 * <ul>
 *   <li>a change that changes nothing is dropped: whoever set the bit has woken, or is about to wake, the selector.
 *       The check runs under the session's lock, the lock under which HttpCore decides to clear write interest, so a
 *       write request cannot be lost between the check and a clear;</li>
 *   <li>between {@link #hold} and {@link #release} (an answer being handed over by a worker) the thread's changes
 *       are collected and applied once at the end, after every lock is released: one wake-up per answer, and the I/O
 *       thread finds head and body ready.</li>
 * </ul>
 * Thread-safe.
 */
final class SessionEvents {

    private final IOSession session;
    /** The thread whose changes wait for {@link #release}; null when none does. */
    private final AtomicReference<Thread> holder = new AtomicReference<>();
    /** The changes held back; read and written by {@link #holder} only. */
    private int held;

    SessionEvents(IOSession session) {
        this.session = session;
    }

    /**
     * Holds back this thread's interest changes until {@link #release}; false (nothing held back, nothing to release)
     * when another thread holds them already (two answers of one connection handed over at once).
     */
    boolean hold() {
        return holder.compareAndSet(null, Thread.currentThread());
    }

    /** Applies what was held back since {@link #hold} returned true (at most one wake-up of the selector). */
    void release() {
        int ops = held;
        held = 0;
        holder.set(null);
        if (ops != 0) {
            set(ops);
        }
    }

    void set(int ops) {
        if (holder.get() == Thread.currentThread()) {
            held |= ops;
            return;
        }
        if (has(ops)) {
            return;
        }
        session.setEvent(ops);
    }

    void clear(int ops) {
        if (holder.get() == Thread.currentThread()) {
            held &= ~ops;
        }
        if (!hasAny(ops)) {
            return;
        }
        session.clearEvent(ops);
    }

    void setMask(int ops) {
        if (holder.get() == Thread.currentThread()) {
            held = 0;
        }
        session.setEventMask(ops);
    }

    /** The interest as the selector will see it once the held changes are applied. */
    int mask() {
        int mask = session.getEventMask();
        return holder.get() == Thread.currentThread() ? mask | held : mask;
    }

    /** Whether every bit of {@code ops} is set already (or the session is closed: nothing to do either way). */
    private boolean has(int ops) {
        Lock lock = session.getLock();
        lock.lock();
        try {
            return session.getStatus() == IOSession.Status.CLOSED || (session.getEventMask() & ops) == ops;
        } catch (CancelledKeyException closed) {
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether any bit of {@code ops} is set (a closed session has none left to clear). */
    private boolean hasAny(int ops) {
        Lock lock = session.getLock();
        lock.lock();
        try {
            return session.getStatus() != IOSession.Status.CLOSED && (session.getEventMask() & ops) != 0;
        } catch (CancelledKeyException closed) {
            return false;
        } finally {
            lock.unlock();
        }
    }
}
