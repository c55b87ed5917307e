package dev.switchboard.gateway;

/**
 * Which chat requests the I/O thread reads itself, so that a response-cache hit is answered there and then instead
 * of being handed to a worker which wakes the I/O thread again to send it (two cross-thread wake-ups for an answer
 * that needs no I/O). The I/O thread serves every connection of its share, so it may only do what cannot block or
 * stall them: a body small enough to parse at once ({@link #MAX_BODY}), a key whose admission asks the state store
 * nothing (no rate limit, no budget: {@link KeyAccount#admitsWithoutStore}), and a ledger that records the hit
 * without waiting ({@code memory} and {@code embedded} state, not {@code redis}). What is known only once the body is
 * read, a non-streamed request to a route whose cache is in this process, {@link ChatCall#answeredOnReactor} checks.
 * Whatever is not answered there goes to a worker as before, which continues from what was read.
 */
final class InlineHits {

    /**
     * The largest body the I/O thread parses. Reading a body and writing its cache key take roughly a microsecond per
     * few hundred bytes, so 16 KiB keeps the thread's other connections waiting some tens of microseconds at most;
     * chat bodies are usually a few hundred bytes, and a long conversation's goes to a worker.
     */
    static final int MAX_BODY = 16 * 1024;

    private InlineHits() {}

    /** Whether the I/O thread may read {@code exchange}'s chat body and answer a hit of it (see the class). */
    static boolean mayTry(GatewayServer server, Exchange exchange) {
        if (exchange.bodyLength() > MAX_BODY || !server.cache().anyInProcess()) {
            return false;
        }
        KeyAccount account = server.account(exchange.key);
        return (account == null || account.admitsWithoutStore())
                && server.switchboard().ledger().recordsFreeCallsWithoutWaiting();
    }
}
