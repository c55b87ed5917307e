package dev.switchboard.http;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets another thread abandon the provider calls one thread makes: a server whose client disconnected while the
 * upstream was still thinking cancels the scope of the thread serving it. {@link #cancel()} aborts every HTTP
 * exchange the owning thread has in flight (blocked connects, waits for the first byte and stream reads fail at
 * once), makes new exchanges fail as they start, and wakes the thread from a route's backoff wait; a route stops
 * trying targets once its thread's scope is cancelled.
 *
 * <p>Open one on the thread that makes the calls, with try-with-resources; it is that thread's current scope until
 * closed. {@link #cancel()} and {@link #isCancelled()} may be called from any thread.
 */
public final class CancelScope implements AutoCloseable {

    private static final ThreadLocal<CancelScope> CURRENT = new ThreadLocal<>();

    private final Thread owner;
    private final Object lock = new Object();
    private volatile boolean cancelled;
    // Guarded by lock.
    /**
     * The owner's exchange in flight: one at a time as a rule (a route tries its targets one after the other), so a
     * field under the lock, not a set or list that every request would allocate for that one entry.
     */
    private Watchdog exchange;
    /** Exchanges in flight besides {@link #exchange}; null until there is one. */
    private List<Watchdog> moreExchanges;
    private boolean interruptible;
    private boolean closed;

    private CancelScope(Thread owner) {
        this.owner = owner;
    }

    /** Opens a scope for the calling thread, replacing any it had. */
    public static CancelScope open() {
        CancelScope scope = new CancelScope(Thread.currentThread());
        CURRENT.set(scope);
        return scope;
    }

    /** The calling thread's scope, or null. */
    public static CancelScope current() {
        return CURRENT.get();
    }

    /** Whether the calling thread's scope (if it has one) was cancelled. */
    public static boolean currentIsCancelled() {
        CancelScope s = CURRENT.get();
        return s != null && s.cancelled;
    }

    /** Abandons the owner's calls; idempotent, any thread. */
    public void cancel() {
        Watchdog[] inFlight;
        synchronized (lock) {
            if (cancelled || closed) {
                cancelled = true;
                return;
            }
            cancelled = true;
            if (interruptible) {
                owner.interrupt();
            }
            int more = moreExchanges == null ? 0 : moreExchanges.size();
            inFlight = new Watchdog[(exchange == null ? 0 : 1) + more];
            if (more > 0) {
                moreExchanges.toArray(inFlight);
            }
            if (exchange != null) {
                inFlight[more] = exchange;
            }
        }
        for (Watchdog w : inFlight) {
            w.cancelByCaller(); // outside the lock: it aborts a request, which may call back into unregister
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Runs a wait (e.g. a backoff sleep) that {@link #cancel()} may cut short by interrupting the owner; the
     * interrupt never outlives the wait.
     *
     * @throws InterruptedException when the scope was cancelled before or during the wait
     */
    public void interruptibly(InterruptibleWait wait) throws InterruptedException {
        synchronized (lock) {
            if (cancelled) {
                throw new InterruptedException("cancelled by the caller");
            }
            interruptible = true;
        }
        try {
            wait.run();
        } finally {
            synchronized (lock) {
                interruptible = false;
                if (cancelled) {
                    Thread.interrupted(); // the interrupt was ours: clear it so it cannot hit a later call
                }
            }
        }
        if (cancelled) {
            throw new InterruptedException("cancelled by the caller");
        }
    }

    /** A wait that may be interrupted. */
    @FunctionalInterface
    public interface InterruptibleWait {
        void run() throws InterruptedException;
    }

    void register(Watchdog w) {
        synchronized (lock) {
            if (exchange == null) {
                exchange = w;
            } else {
                if (moreExchanges == null) {
                    moreExchanges = new ArrayList<>(2);
                }
                moreExchanges.add(w);
            }
        }
        if (cancelled) {
            w.cancelByCaller();
        }
    }

    void unregister(Watchdog w) {
        synchronized (lock) {
            if (exchange == w) {
                exchange = null;
            } else if (moreExchanges != null) {
                moreExchanges.remove(w);
            }
        }
    }

    /** Ends the scope on its thread; a later {@link #cancel()} interrupts nothing. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        if (CURRENT.get() == this) {
            CURRENT.set(null); // not remove(): the thread's next scope would allocate the map's entry again
        }
    }
}
