package dev.switchboard.http;

import org.jspecify.annotations.Nullable;

/**
 * A buffer an I/O thread lends to one answer at a time, for {@link AsyncJsonExchange} to gather a body in: a usual
 * answer arrives whole in one read of its connection (head, body and end), so the thread's next answer finds the
 * buffer free again and no answer allocates its own bytes. An answer that finds it lent, or that outgrows it, gathers
 * into an array of its own. Lent and given back on the thread whose buffer it is (a connection's callbacks all run on
 * its I/O thread); a buffer given back late only makes answers meanwhile allocate their own.
 */
final class AnswerBuffer {

    /** The buffer each thread lends: larger than most non-streamed chat answers, small beside a connection's. */
    static final int SIZE = 16 * 1024;

    private static final ThreadLocal<AnswerBuffer> THREADS = ThreadLocal.withInitial(AnswerBuffer::new);

    private final byte[] bytes = new byte[SIZE];
    private boolean lent;

    private AnswerBuffer() {}

    /** This thread's buffer if it is free, now lent to the caller until {@link #giveBack()}; else null. */
    static @Nullable AnswerBuffer borrow() {
        AnswerBuffer buffer = THREADS.get();
        if (buffer.lent) {
            return null;
        }
        buffer.lent = true;
        return buffer;
    }

    byte[] bytes() {
        return bytes;
    }

    /** Ends the loan: the caller no longer reads or writes {@link #bytes()}. */
    void giveBack() {
        lent = false;
    }
}
