package dev.switchboard.gateway;

import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Usage;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.apache.hc.core5.http.Header;

/**
 * The part of a streamed answer that is the same for every client API ({@link ChatCall}, {@link ResponsesCall},
 * {@link MessagesCall}): open the route's stream, pull its events and hand them to the API's {@link Answer}, and
 * settle how it ends. A failure before the answer's head went out is an error status (the route has by then fallen
 * back past every target it could); one after that ends the stream with the API's error event, since the status is
 * long sent, and then, with {@code gateway.stream-error = event-and-abort}, cuts the connection before the body's end
 * ({@link Exchange#endStreamWithError}) so that clients which ignore error events see a failure. Whatever the ending, the stream is counted in the metrics, the key is charged the answer's usage and
 * the exchange records the route's trail.
 */
final class StreamRelay {

    /** The route's stream, opened: may fail before any event when every target fails to start. */
    @FunctionalInterface
    interface Opener {
        ChatStream open() throws LlmException;
    }

    /** One client API's writing of a streamed answer. */
    interface Answer {

        /** Whether the head has gone out (after which a failure can only end the stream). */
        boolean started();

        /** An event of the route's stream; the first the client sees sends the head ({@link StreamRelay#head}). */
        void on(ChatEvent event) throws Outbox.ClientGone;

        /** The route's stream ended: the answer's last events (and its head, if no content came) and the end. */
        void end() throws Outbox.ClientGone;

        /** The last bytes of a stream that failed after it started: the API's error event(s). */
        byte[] failure(ErrorReply error);

        /** What the key is charged when the stream is over. */
        Usage usage();

        /** Called when the stream is over, however it ended. */
        default void closed() {
        }

        /** Whether the answer is a cached one replayed: it marks its own trail (no provider was asked). */
        default boolean replayed() {
            return false;
        }
    }

    private final GatewayServer server;
    private final Exchange exchange;
    private final ModelResolver.Resolved target;
    /** Time spent waiting for the route before the head went out: not the gateway's overhead. */
    private long upstreamNanos;
    private ChatStream stream;

    StreamRelay(GatewayServer server, Exchange exchange, ModelResolver.Resolved target) {
        this.server = server;
        this.exchange = exchange;
        this.target = target;
    }

    /** The stream being relayed (its provider and trail so far). */
    ChatStream stream() {
        return stream;
    }

    /**
     * Sends the head, once the route has a target answering: the gateway's headers for that provider (as
     * {@code decorate} completes them).
     */
    void head(UnaryOperator<Header[]> decorate) throws Outbox.ClientGone {
        exchange.provider = stream.provider();
        exchange.startStream(decorate.apply(ChatCall.headers(exchange, upstreamNanos, stream.provider(),
                stream.attempts())));
    }

    /** Relays the route's stream to {@code answer}; returns once the client has its answer or error. */
    void relay(Opener opener, Answer answer, KeyAccount.Ticket ticket) throws Outbox.ClientGone {
        long t0 = System.nanoTime();
        ChatStream opened;
        try {
            opened = opener.open();
        } catch (LlmException e) {
            upstreamNanos = System.nanoTime() - t0;
            ChatCall.failed(exchange, target, e);
            return;
        }
        upstreamNanos = System.nanoTime() - t0;
        stream = opened;
        exchange.streaming(stream);
        server.metrics().streamOpened();
        try (opened) {
            while (true) {
                ChatEvent event;
                long pull = System.nanoTime();
                try {
                    if (!stream.hasNext()) {
                        break;
                    }
                    event = stream.next();
                } catch (LlmException e) {
                    if (exchange.gone()) {
                        throw new Outbox.ClientGone();
                    }
                    if (!answer.started()) {
                        ChatCall.failed(exchange, target, e);
                        return;
                    }
                    String kind = e.kind().name().toLowerCase(Locale.ROOT);
                    server.metrics().error(exchange.endpoint().label, target.label(), kind);
                    GatewayServer.LOG.log(System.Logger.Level.WARNING, "request " + exchange.requestId() + " ("
                            + target.label() + "): the stream failed after it started; ended with an error event: "
                            + kind + " from " + e.provider() + ChatCall.notResumed(stream));
                    exchange.endStreamWithError(answer.failure(ErrorReply.midStream(e, exchange.requestId())));
                    return;
                } finally {
                    if (!answer.started()) {
                        upstreamNanos += System.nanoTime() - pull;
                    }
                }
                answer.on(event);
            }
            answer.end();
        } finally {
            server.metrics().streamClosed();
            answer.closed();
            // Tokens and cost reach the metrics from the ledger, which records the stream once when it ends, also
            // when its client left (this thread may see the end before the closing thread has recorded it).
            if (exchange.gone()) {
                server.metrics().abandoned(target.label(), stream.provider());
            }
            if (ticket != null) {
                ticket.used(answer.usage());
            }
            if (!answer.replayed()) {
                exchange.attempted(target.label(), stream.attempts());
            }
        }
    }
}
