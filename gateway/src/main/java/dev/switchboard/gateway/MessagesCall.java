package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.metering.LimitPolicy;
import dev.switchboard.runtime.metering.TokenEstimate;
import java.util.function.UnaryOperator;
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
        exchange.routed(target);
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
            ChatCall.failed(exchange, target, e);
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
        // The Messages API requires counts: an upstream that reported none gets the gateway's estimate, so marked.
        boolean estimated = !ReportedUsage.known(response.usage());
        ChatResponse shown = estimated ? response.toBuilder().usage(ReportedUsage.estimate(TokenEstimate.input(request),
                ReportedUsage.outputChars(response))).build() : response;
        byte[] body = JsonBodies.json(g -> MessagesWriter.writeMessage(g, shown, id, model, call.thinking()));
        Header[] headers = ChatCall.withCost(ChatCall.headers(exchange, upstreamNanos, response.provider(),
                response.attempts()), response.cost());
        if (estimated) {
            headers = java.util.Arrays.copyOf(headers, headers.length + 1);
            headers[headers.length - 1] = new BasicHeader(ReportedUsage.HEADER, ReportedUsage.ESTIMATED);
        }
        exchange.reply(200, Exchange.JSON, body, false, headers);
        exchange.attempted(target.label(), response.attempts());
    }

    private void stream(MessagesRequestReader.Call call, ModelResolver.Resolved target, ChatRequest request,
                        KeyAccount.Ticket ticket) throws Outbox.ClientGone {
        StreamRelay relay = new StreamRelay(server, exchange, target);
        relay.relay(() -> target.route().stream(request), new Events(relay, call, request), ticket);
    }

    /** A streamed answer as the Messages API's event sequence ({@link MessagesStream}). */
    private final class Events implements StreamRelay.Answer {
        private final StreamRelay relay;
        private final MessagesRequestReader.Call call;
        private final MessagesStream out;
        private String id;
        private String model;
        private boolean started;

        Events(StreamRelay relay, MessagesRequestReader.Call call, ChatRequest request) {
            this.relay = relay;
            this.call = call;
            this.out = new MessagesStream(call.thinking(), exchange::send, TokenEstimate.input(request));
        }

        @Override
        public boolean started() {
            return started;
        }

        @Override
        public void on(ChatEvent event) throws Outbox.ClientGone {
            if (event instanceof ChatEvent.Started s) {
                id = id == null && s.id() != null && !s.id().isEmpty() ? s.id() : id;
                model = model == null && s.model() != null && !s.model().isEmpty() ? s.model() : model;
                return;
            }
            if (!started && MessagesStream.shows(event, call.thinking())) {
                open();
            }
            out.on(event);
        }

        /** Sends the head and {@code message_start}: the route has by now settled on the target that answers. */
        private void open() throws Outbox.ClientGone {
            relay.head(UnaryOperator.identity());
            out.start(messageId(id), model == null ? call.model() : model);
            started = true;
        }

        @Override
        public void end() throws Outbox.ClientGone {
            if (!started) { // an answer without any content: still one well-formed stream
                open();
            }
            out.end();
            exchange.endStream(null);
        }

        @Override
        public byte[] failure(ErrorReply error) {
            return exchange.errorEvent(error);
        }

        @Override
        public Usage usage() {
            return out.usage();
        }
    }

    /** The message id: the provider's when it is Anthropic's kind ({@code msg_...}), else one of that kind. */
    private static String messageId(String providerId) {
        return providerId != null && providerId.startsWith("msg_") ? providerId : MessagesWriter.newId("msg_");
    }
}
