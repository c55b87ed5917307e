package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.LlmException;
import dev.switchboard.runtime.metering.TokenEstimate;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;

/** {@code POST /v1/embeddings} on a worker thread, with the same model addressing and fallback as chat. */
final class EmbeddingsCall {

    private final GatewayServer server;
    private final Exchange exchange;

    EmbeddingsCall(GatewayServer server, Exchange exchange) {
        this.server = server;
        this.exchange = exchange;
    }

    void serve() {
        JsonNode json = ChatCall.parse(exchange);
        if (json == null) {
            return;
        }
        OpenAiServerCodec.EmbeddingCall call;
        try {
            call = OpenAiServerCodec.readEmbeddingRequest(json);
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
        EmbeddingRequest request = target.model() == null ? call.request() : call.request().withModel(target.model());
        KeyAccount.Ticket ticket;
        try {
            ticket = ChatCall.admit(server.account(exchange.key), TokenEstimate.of(request));
        } catch (KeyAccount.Refused r) {
            exchange.reply(r.reply(), false);
            return;
        }
        try {
            embed(call, target, request, ticket);
        } finally {
            if (ticket != null) {
                ticket.close();
            }
        }
    }

    private void embed(OpenAiServerCodec.EmbeddingCall call, ModelResolver.Resolved target, EmbeddingRequest request,
                       KeyAccount.Ticket ticket) {
        long t0 = System.nanoTime();
        EmbeddingResponse response;
        try {
            response = target.route().embed(request);
        } catch (LlmException e) {
            exchange.attempted(target.label(), e.attempts());
            if (!exchange.gone()) {
                exchange.reply(ErrorReply.of(e), false, ChatCall.failureHeaders(e));
            }
            return;
        }
        if (ticket != null) {
            ticket.used(response.usage());
        }
        long upstream = System.nanoTime() - t0;
        exchange.provider = response.provider();
        String model = response.model().isEmpty() ? call.model() : response.model();
        byte[] body = JsonBodies.json(g -> OpenAiServerCodec.writeEmbeddings(g, response, model, call.base64()));
        long overhead = Math.max(0, System.nanoTime() - exchange.startNanos() - upstream);
        exchange.reply(200, Exchange.JSON, body, false, ChatCall.withCost(new Header[] {
                new BasicHeader(ChatCall.PROVIDER_HEADER, response.provider()),
                new BasicHeader(ChatCall.ATTEMPTS_HEADER, Integer.toString(ChatCall.tries(response.attempts()))),
                new BasicHeader(ChatCall.OVERHEAD_HEADER, ChatCall.millis(overhead))}, response.cost()));
        exchange.attempted(target.label(), response.attempts());
    }
}
