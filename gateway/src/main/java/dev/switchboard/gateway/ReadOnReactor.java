package dev.switchboard.gateway;

/**
 * Which chat requests the I/O thread reads itself, so that it can answer a response-cache hit there and then, or
 * start a call that holds no thread while its provider answers ({@link ChatCall#answeredOnReactor}), instead of
 * handing the request to a worker which wakes the I/O thread again to send the answer. The I/O thread serves every
 * connection of its share, so it may only do what cannot block or stall them: a body small enough to parse at once
 * ({@link #MAX_BODY}), a key whose admission asks the state store nothing (no rate limit, no budget:
 * {@link KeyAccount#admitsWithoutStore}), and a ledger that records a hit without waiting ({@code memory} and
 * {@code embedded} state, not {@code redis}). Whatever it does not answer or start goes to a worker as before, which
 * continues from what was read.
 */
final class ReadOnReactor {

    /**
     * The largest body the I/O thread parses. Reading a body and writing its cache key take roughly a microsecond per
     * few hundred bytes, so 16 KiB keeps the thread's other connections waiting some tens of microseconds at most;
     * chat bodies are usually a few hundred bytes, and a long conversation's goes to a worker.
     */
    static final int MAX_BODY = 16 * 1024;

    private ReadOnReactor() {}

    /** Whether the I/O thread may read {@code exchange}'s chat body and answer or start its call (see the class). */
    static boolean mayRead(GatewayServer server, Exchange exchange) {
        if (exchange.bodyLength() > MAX_BODY) {
            return false;
        }
        KeyAccount account = server.account(exchange.key);
        return (account == null || account.admitsWithoutStore())
                && server.switchboard().ledger().recordsFreeCallsWithoutWaiting();
    }
}
