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

/**
 * {@code POST /v1/responses} (OpenAI's Responses API) on a worker thread: the request is read into the same
 * {@link ChatRequest} a chat completion becomes, and goes through the same route, key admission, usage, metrics and
 * failover as {@link ChatCall}; the answer goes back as a {@code response} object or as the Responses API's typed SSE
 * events ({@link ResponsesStream}). As for chat, a streamed answer's head goes out with its first content, so a
 * request whose targets all fail gets a proper error status (in OpenAI's error shape, which the Responses API shares).
 *
 * <p>Nothing is stored: the gateway keeps no responses, so {@code previous_response_id} is refused and a request's
 * {@code store: true} is accepted and answered {@code "store": false}. A client sends the whole conversation each
 * time, as it does with Chat Completions.
 */
final class ResponsesCall {

    private final GatewayServer server;
    private final Exchange exchange;
    private long upstreamNanos;

    ResponsesCall(GatewayServer server, Exchange exchange) {
        this.server = server;
        this.exchange = exchange;
    }

    void serve() throws Outbox.ClientGone {
        JsonNode json = ChatCall.parse(exchange);
        if (json == null) {
            return;
        }
        ResponsesRequestReader.Call call;
        try {
            call = ResponsesRequestReader.read(json);
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
        KeyAccount.Ticket ticket;
        try {
            ticket = ChatCall.admit(server.account(exchange.key),
                    TokenEstimate.of(request, LimitPolicy.DEFAULT_OUTPUT_TOKENS));
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

    private void complete(ResponsesRequestReader.Call call, ModelResolver.Resolved target, ChatRequest request,
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
        ResponseObject.Head head = head(call, response.model());
        Usage usage = known(response.usage());
        byte[] body = JsonBodies.json(g -> ResponseObject.write(g, head, ResponseObject.statusOf(response.finishReason()),
                ResponseObject.items(response), response.finishReason(), usage, null));
        exchange.reply(200, Exchange.JSON, body, false, ChatCall.withCost(
                ChatCall.headers(exchange, upstreamNanos, response.provider(), response.attempts()), response.cost()));
        exchange.attempted(target.label(), response.attempts());
    }

    private void stream(ResponsesRequestReader.Call call, ModelResolver.Resolved target, ChatRequest request,
                        KeyAccount.Ticket ticket) throws Outbox.ClientGone {
        StreamRelay relay = new StreamRelay(server, exchange, target);
        relay.relay(() -> target.route().stream(request), new TypedEvents(relay, call), ticket);
    }

    /** A streamed answer as the Responses API's typed events ({@link ResponsesStream}). */
    private final class TypedEvents implements StreamRelay.Answer {
        private final StreamRelay relay;
        private final ResponsesRequestReader.Call call;
        private String model;
        private ResponsesStream events;
        private Usage usage = Usage.NONE;

        TypedEvents(StreamRelay relay, ResponsesRequestReader.Call call) {
            this.relay = relay;
            this.call = call;
        }

        @Override
        public boolean started() {
            return events != null;
        }

        @Override
        public void on(ChatEvent event) throws Outbox.ClientGone {
            if (event instanceof ChatEvent.Started s) {
                model = model == null && s.model() != null && !s.model().isEmpty() ? s.model() : model;
                return;
            }
            if (event instanceof ChatEvent.UsageReport u) {
                usage = u.usage();
                return;
            }
            if (event instanceof ChatEvent.ReasoningBlockEnd) {
                return; // a signed reasoning block has no place in a Responses item from another provider
            }
            if (events == null) {
                start();
            }
            events.on(event);
        }

        /** Sends the stream's head and its first events, once the route has a target that answers. */
        private void start() throws Outbox.ClientGone {
            relay.head(UnaryOperator.identity());
            events = new ResponsesStream(head(call, model), exchange::send);
            events.start();
        }

        @Override
        public void end() throws Outbox.ClientGone {
            if (events == null) { // an answer without any content: still one well-formed stream
                start();
            }
            exchange.endStream(events.finish(known(usage)));
        }

        @Override
        public byte[] failure(ErrorReply error) {
            return events.fail(error); // error, then response.failed holding what had been sent
        }

        @Override
        public Usage usage() {
            return usage;
        }
    }

    private static ResponseObject.Head head(ResponsesRequestReader.Call call, String model) {
        return new ResponseObject.Head(ResponseObject.newId("resp_"), ChatCall.created(),
                model == null || model.isEmpty() ? call.model() : model, call.echo());
    }

    /** Usage to report, or null when the provider reported none (left out rather than shown as zero). */
    private static Usage known(Usage usage) {
        return ReportedUsage.known(usage) ? usage : null;
    }
}
