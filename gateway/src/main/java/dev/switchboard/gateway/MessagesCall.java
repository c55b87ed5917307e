package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmException;
import dev.switchboard.runtime.metering.LimitPolicy;
import dev.switchboard.runtime.metering.TokenEstimate;
import java.util.List;
import java.util.Locale;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * {@code POST /v1/messages} (Anthropic's Messages API) and {@code POST /v1/messages/count_tokens} on a worker
 * thread: the body is read into the runtime's {@link ChatRequest} ({@link MessagesRequestReader}), the route is
 * called as for a chat completion (same model resolution, key admission, budgets, usage, metrics and failover), and
 * the answer is written as a {@code message} or as the Messages API's event stream ({@link MessagesStream}). As for
 * chat, a streamed answer's head goes out with its first content, so a request whose targets all fail still gets an
 * error status; a failure after that ends the stream with an {@code error} event. Errors are in Anthropic's shape
 * (the exchange writes them so for these endpoints).
 */
final class MessagesCall {

    private final GatewayServer server;
    private final Exchange exchange;
    private long upstreamNanos;

    MessagesCall(GatewayServer server, Exchange exchange) {
        this.server = server;
        this.exchange = exchange;
    }

    void serve() throws Outbox.ClientGone {
        boolean count = exchange.endpoint() == Exchange.Endpoint.MESSAGES_COUNT_TOKENS;
        JsonNode json = ChatCall.parse(exchange);
        if (json == null) {
            return;
        }
        MessagesRequestReader.Call call;
        try {
            call = MessagesRequestReader.read(json, count);
        } catch (OpenAiServerCodec.InvalidRequest e) {
            exchange.reply(ErrorReply.of(e), false);
            return;
        }
        ModelResolver.Resolved target = server.resolver().resolve(call.model());
        if (target == null) {
            exchange.reply(ErrorReply.unknownModel(server.resolver().unknown(call.model())), false);
            return;
        }
        exchange.label = target.label();
        ChatRequest request = target.model() == null ? call.request()
                : call.request().toBuilder().model(target.model()).build();
        if (count) {
            countTokens(request);
            return;
        }
        KeyAccount.Ticket ticket;
        try {
            ticket = ChatCall.admit(server.account(exchange.key), TokenEstimate.of(request,
                    LimitPolicy.DEFAULT_OUTPUT_TOKENS));
        } catch (KeyAccount.Refused r) {
            exchange.reply(r.reply(), false);
            return;
        }
        try {
            if (call.stream()) {
                stream(call, target, request, ticket);
            } else {
                complete(call, target, request, ticket);
            }
        } finally {
            if (ticket != null) {
                ticket.close();
            }
        }
    }

    /**
     * count_tokens from the gateway's own estimate ({@link TokenEstimate#input}: about four characters a token,
     * plus a fixed share per image), since a route's providers count differently and most have no such endpoint.
     */
    private void countTokens(ChatRequest request) {
        long tokens = TokenEstimate.input(request);
        byte[] body = JsonBodies.json(g -> {
            g.writeStartObject();
            g.writeNumberField("input_tokens", tokens);
            g.writeEndObject();
        });
        exchange.reply(200, Exchange.JSON, body, false, new Header[] {new BasicHeader(ESTIMATED_HEADER, "true")});
    }

    /** On a count_tokens answer: the count is the gateway's estimate, not a tokenizer's. */
    static final String ESTIMATED_HEADER = "x-switchboard-estimated";

    private void complete(MessagesRequestReader.Call call, ModelResolver.Resolved target, ChatRequest request,
                          KeyAccount.Ticket ticket) {
        ChatResponse response;
        long t0 = System.nanoTime();
        try {
            response = target.route().chat(request);
        } catch (LlmException e) {
            upstreamNanos = System.nanoTime() - t0;
            failed(target, e);
            return;
        } finally {
            upstreamNanos = System.nanoTime() - t0;
        }
        exchange.provider = response.provider();
        if (ticket != null) {
            ticket.used(response.usage());
        }
        String id = messageId(response.id());
        String model = response.model().isEmpty() ? call.model() : response.model();
        byte[] body = JsonBodies.json(g -> MessagesWriter.writeMessage(g, response, id, model, call.thinking()));
        exchange.reply(200, Exchange.JSON, body, false, ChatCall.withCost(headers(response.provider(),
                response.attempts()), response.cost()));
        exchange.attempted(target.label(), response.attempts());
    }

    private void stream(MessagesRequestReader.Call call, ModelResolver.Resolved target, ChatRequest request,
                        KeyAccount.Ticket ticket) throws Outbox.ClientGone {
        ChatStream stream;
        long t0 = System.nanoTime();
        try {
            stream = target.route().stream(request);
        } catch (LlmException e) {
            upstreamNanos = System.nanoTime() - t0;
            failed(target, e);
            return;
        }
        upstreamNanos = System.nanoTime() - t0;
        exchange.streaming(stream);
        server.metrics().streamOpened();
        String id = null;
        String model = null;
        MessagesStream out = new MessagesStream(call.thinking(), exchange::send);
        boolean started = false;
        try (stream) {
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
                    if (!started) {
                        failed(target, e);
                        return;
                    }
                    String kind = e.kind().name().toLowerCase(Locale.ROOT);
                    server.metrics().error(exchange.endpoint().label, target.label(), kind);
                    GatewayServer.LOG.log(System.Logger.Level.WARNING, "request " + exchange.requestId() + " ("
                            + target.label() + "): the stream failed after it started; ended with an error event: "
                            + kind + " from " + e.provider() + ChatCall.notResumed(stream));
                    exchange.endStream(exchange.errorEvent(ErrorReply.midStream(e, exchange.requestId())));
                    return;
                } finally {
                    if (!started) {
                        upstreamNanos += System.nanoTime() - pull;
                    }
                }
                if (event instanceof ChatEvent.Started s) {
                    id = id == null && s.id() != null && !s.id().isEmpty() ? s.id() : id;
                    model = model == null && s.model() != null && !s.model().isEmpty() ? s.model() : model;
                    continue;
                }
                if (!started && MessagesStream.shows(event, call.thinking())) {
                    open(stream, out, call, id, model);
                    started = true;
                }
                out.on(event);
            }
            if (!started) { // an answer without any content: still one well-formed stream
                open(stream, out, call, id, model);
            }
            out.end();
            exchange.endStream(null);
        } finally {
            server.metrics().streamClosed();
            // Tokens and cost reach the metrics from the ledger, as for chat.
            if (exchange.gone()) {
                server.metrics().abandoned(target.label(), stream.provider());
            }
            if (ticket != null) {
                ticket.used(out.usage());
            }
            exchange.attempted(target.label(), stream.attempts());
        }
    }

    /** Sends the head and {@code message_start}: the route has by now settled on the target that answers. */
    private void open(ChatStream stream, MessagesStream out, MessagesRequestReader.Call call, String id, String model)
            throws Outbox.ClientGone {
        exchange.provider = stream.provider();
        exchange.startStream(headers(stream.provider(), stream.attempts()));
        out.start(messageId(id), model == null ? call.model() : model);
    }

    private void failed(ModelResolver.Resolved target, LlmException e) {
        exchange.attempted(target.label(), e.attempts());
        if (!exchange.gone()) {
            exchange.reply(ErrorReply.of(e), false, ChatCall.failureHeaders(e));
        }
    }

    private Header[] headers(String provider, List<Attempt> attempts) {
        long overhead = Math.max(0, System.nanoTime() - exchange.startNanos() - upstreamNanos);
        return new Header[] {
                new BasicHeader(ChatCall.PROVIDER_HEADER, provider),
                new BasicHeader(ChatCall.ATTEMPTS_HEADER, Integer.toString(ChatCall.tries(attempts))),
                new BasicHeader(ChatCall.OVERHEAD_HEADER, ChatCall.millis(overhead))};
    }

    /** The message id: the provider's when it is Anthropic's kind ({@code msg_...}), else one of that kind. */
    private static String messageId(String providerId) {
        return providerId != null && providerId.startsWith("msg_") ? providerId : MessagesWriter.newId("msg_");
    }
}
