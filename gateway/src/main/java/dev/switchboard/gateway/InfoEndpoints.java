package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.runtime.metering.Budget;
import dev.switchboard.runtime.CircuitState;
import dev.switchboard.runtime.ProviderManager;
import dev.switchboard.runtime.TargetState;
import dev.switchboard.runtime.UsageSnapshot;
import dev.switchboard.runtime.UsageTotals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import dev.switchboard.api.LlmException;
import dev.switchboard.runtime.state.FailurePolicyStore;
import dev.switchboard.runtime.state.OnFailure;
import dev.switchboard.runtime.state.StateStore;
import dev.switchboard.runtime.state.StateUnavailableException;
import dev.switchboard.runtime.state.UsageLog;
import dev.switchboard.runtime.state.UsageQuery;
import org.apache.hc.core5.http.ContentType;

/**
 * The cheap endpoints, answered on the reactor thread: {@code GET /health} (the process is up, and its connection
 * counters), {@code GET /ready}
 * (each provider ok, cooling down or missing its key, and each route's targets), {@code GET /metrics} (Prometheus
 * text), {@code GET /v1/models} (the configured routes, providers and default models; no provider is asked) and
 * {@code GET /v1/usage} (requests, tokens and cost from the Switchboard's ledger, and the budgets: everything for an
 * admin key, a plain key's own share for a plain key). Who may ask is decided before, by {@link AccessKeys}.
 */
final class InfoEndpoints {

    private static final ContentType PROMETHEUS = ContentType.parse("text/plain; version=0.0.4; charset=utf-8");

    private final GatewayServer server;
    private final byte[] models;

    InfoEndpoints(GatewayServer server) {
        this.server = server;
        this.models = JsonBodies.json(g -> OpenAiServerCodec.writeModels(g, server.resolver().listing(), 0));
    }

    /** Answers {@code endpoint} for a request {@link AccessKeys#decide} let through as {@code access}. */
    void answer(Exchange exchange, Exchange.Endpoint endpoint, AccessKeys.Allowed access) {
        switch (endpoint) {
            case HEALTH -> exchange.reply(200, Exchange.JSON, health(), false, Exchange.NO_HEADERS);
            case MODELS -> exchange.reply(200, Exchange.JSON, models, false, Exchange.NO_HEADERS);
            case MODEL -> model(exchange);
            case METRICS -> exchange.reply(200, PROMETHEUS,
                    server.metrics().render(() -> server.resolver().all(), server.switchboard().state()).getBytes(StandardCharsets.UTF_8), false,
                    Exchange.NO_HEADERS);
            case READY -> ready(exchange);
            case USAGE -> usage(exchange, access);
            case USAGE_RESET -> reset(exchange);
            default -> throw new IllegalArgumentException(endpoint.name());
        }
    }

    /**
     * {@code GET /v1/models/{id}}: the entry of the model list with that id (a route, a provider, or a provider's
     * default model as {@code provider/model}, whose slash may come percent-encoded as SDKs send it), in OpenAI's
     * model object; otherwise 404 {@code model_not_found}, as OpenAI answers. It answers exactly what the list
     * holds, to whoever may read the list.
     */
    private void model(Exchange exchange) {
        String path = exchange.path();
        String id = pathSegment(path.substring(path.indexOf("/models/") + "/models/".length()));
        for (OpenAiServerCodec.ModelEntry entry : server.resolver().listing()) {
            if (entry.id().equals(id)) {
                exchange.reply(200, Exchange.JSON, JsonBodies.json(g -> OpenAiServerCodec.writeModel(g, entry, 0)),
                        false, Exchange.NO_HEADERS);
                return;
            }
        }
        exchange.reply(ErrorReply.unknownModel("The model '" + id + "' does not exist on this gateway; GET /v1/models"
                + " lists those it serves."), false);
    }

    /** A path's percent-encoded text decoded; '+' stays a plus in a path. A malformed escape is kept as written. */
    private static String pathSegment(String encoded) {
        try {
            return java.net.URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return encoded;
        }
    }

    /**
     * {@code GET /health}: the process serves, with the connection counters that show it kept serving through
     * trouble: client connections open now, connections refused by a client limit, and exchanges that failed inside
     * the gateway (each logged with its request id).
     */
    private byte[] health() {
        ConnectionGuard guard = server.guard();
        return ("{\"status\":\"ok\",\"connections\":" + guard.connections() + ",\"refused\":" + guard.refused()
                + ",\"exchange_failures\":" + server.exchangeFailures() + "}").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * 200 when every route has a target that is not cooling down and whose provider has its key (with no routes:
     * some provider does), else 503; the body says why, per provider and per route.
     */
    private void ready(Exchange exchange) {
        StateStore state = server.switchboard().state();
        if (state instanceof FailurePolicyStore guarded && !guarded.available()
                && guarded.onFailure() == OnFailure.DENY) {
            exchange.reply(503, Exchange.JSON, stateNotReady(guarded), false, Exchange.NO_HEADERS);
            return;
        }
        boolean[] ready = {true};
        byte[] body;
        try {
            body = readiness(state, ready);
        } catch (LlmException e) {
            if (!(e.code().filter("state_unavailable"::equals).isPresent() && state instanceof FailurePolicyStore g)) {
                throw e;
            }
            exchange.reply(503, Exchange.JSON, stateNotReady(g), false, Exchange.NO_HEADERS);
            return;
        }
        exchange.reply(ready[0] ? 200 : 503, Exchange.JSON, body, false, Exchange.NO_HEADERS);
    }

    /**
     * Not ready because the state backend is unreachable and {@code on-failure = deny} refuses every call meanwhile
     * (with {@code allow} the gateway serves, so it stays ready and {@link #readiness} says the backend is away).
     */
    private static byte[] stateNotReady(FailurePolicyStore guarded) {
        return JsonBodies.json(g -> {
            g.writeStartObject();
            writeState(g, guarded);
            g.writeStringField("status", "not ready");
            g.writeEndObject();
        });
    }

    private static void writeState(JsonGenerator g, FailurePolicyStore guarded) throws IOException {
        g.writeObjectFieldStart("state");
        g.writeStringField("backend", guarded.backend());
        g.writeBooleanField("reachable", !guarded.unavailable());
        g.writeStringField("on_failure", guarded.onFailure().name().toLowerCase(java.util.Locale.ROOT));
        g.writeEndObject();
    }

    /** 503 state_unavailable with Retry-After, for a read of the state backend while it is away. */
    private static void replyStateUnavailable(Exchange exchange, RuntimeException e) {
        if (e instanceof LlmException l && !l.code().filter("state_unavailable"::equals).isPresent()) {
            throw l;
        }
        GatewayServer.LOG.log(System.Logger.Level.DEBUG, "request " + exchange.requestId() + ": the state backend"
                + " cannot be read: " + e.getMessage());
        exchange.reply(ErrorReply.stateUnavailable("The state backend cannot be reached now, so usage and budgets"
                + " cannot be read; retry shortly.", ErrorReply.STATE_RETRY_AFTER), false);
    }

    /** The readiness answer's body; {@code ready[0]} ends false when some route (or, with none, every provider) cannot serve. */
    private byte[] readiness(StateStore store, boolean[] ready) {
        Map<String, String> missing = server.switchboard().missingKeys();
        Map<String, ProviderManager> providers = server.resolver().providers();
        Map<String, ProviderManager> routes = server.resolver().routes();
        byte[] body = JsonBodies.json(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("providers");
            boolean anyProviderOk = false;
            for (Map.Entry<String, ProviderManager> p : providers.entrySet()) {
                String state = providerState(p.getKey(), missing, routes, p.getValue());
                anyProviderOk |= state.equals("ok");
                g.writeObjectFieldStart(p.getKey());
                g.writeStringField("state", state);
                if (state.equals("key missing")) {
                    g.writeStringField("fix", missing.get(p.getKey()));
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeObjectFieldStart("routes");
            for (Map.Entry<String, ProviderManager> r : routes.entrySet()) {
                boolean usable = false;
                g.writeArrayFieldStart(r.getKey());
                for (TargetState t : r.getValue().targetStates()) {
                    String provider = providerOf(t.label(), providers);
                    String state = missing.containsKey(provider) ? "key missing" : describe(t);
                    usable |= !state.equals("key missing") && t.state() != CircuitState.OPEN;
                    writeTarget(g, t, state);
                }
                g.writeEndArray();
                ready[0] &= usable;
            }
            g.writeEndObject();
            if (routes.isEmpty()) {
                ready[0] = anyProviderOk;
            }
            if (store instanceof FailurePolicyStore guarded) {
                writeState(g, guarded);
            }
            g.writeStringField("status", ready[0] ? "ready" : "not ready");
            g.writeEndObject();
        });
        return body;
    }

    /**
     * {@code GET /v1/usage}: without parameters the ledger's totals (below); with {@code from}, {@code to},
     * {@code group-by} or {@code key}, a {@link UsageReport} over the usage log, read on a worker thread (it reads the
     * store's file) so the reactor never waits for it.
     */
    private void usage(Exchange exchange, AccessKeys.Allowed access) {
        Map<String, String> parameters = UsageReport.parameters(exchange.query());
        if (parameters.isEmpty()) {
            byte[] body;
            try {
                body = access.seesAll() ? usage() : usageOf(access.key());
            } catch (StateUnavailableException | LlmException e) {
                replyStateUnavailable(exchange, e);
                return;
            }
            exchange.reply(200, Exchange.JSON, body, false, Exchange.NO_HEADERS);
            return;
        }
        if (parameters.keySet().equals(java.util.Set.of("key"))) { // one key's totals, from the ledger
            String name = parameters.get("key");
            if (!access.seesAll() && !access.key().name().equals(name)) {
                exchange.reply(ErrorReply.invalidRequest("key", "This key may read its own usage only; an admin key"
                        + " reads any key's."), false);
                return;
            }
            byte[] body;
            try {
                body = usageOf(name);
            } catch (StateUnavailableException | LlmException e) {
                replyStateUnavailable(exchange, e);
                return;
            }
            exchange.reply(200, Exchange.JSON, body, false, Exchange.NO_HEADERS);
            return;
        }
        StateStore state = server.switchboard().state();
        Optional<UsageLog> log = state.usageLog();
        if (log.isEmpty()) {
            exchange.reply(ErrorReply.invalidRequest(null, "Usage queries (from, to, group-by, key) read the usage"
                    + " log, which this gateway's state backend (" + state.backend() + ") does not keep; run it with"
                    + " switchboard.state.backend = embedded, or set switchboard.usage-log.jdbc-url."), false);
            return;
        }
        UsageQuery query;
        try {
            query = UsageReport.read(parameters, access.seesAll() ? Optional.empty() : Optional.of(access.key().name()));
        } catch (UsageReport.BadParameter e) {
            exchange.reply(e.reply(), false);
            return;
        }
        try {
            server.workers().execute(() -> {
                try {
                    exchange.reply(200, Exchange.JSON, UsageReport.answer(log.get(), query), false, Exchange.NO_HEADERS);
                } catch (StateUnavailableException e) {
                    GatewayServer.LOG.log(System.Logger.Level.ERROR, "request " + exchange.requestId()
                            + ": the usage log cannot be read: " + e.getMessage());
                    exchange.reply(ErrorReply.unavailable("The usage log cannot be read now; the gateway's log says"
                            + " why (request " + exchange.requestId() + ")."), false);
                }
            });
        } catch (RejectedExecutionException e) {
            exchange.reply(ErrorReply.busy(), false);
        }
    }

    /**
     * {@code POST /v1/usage/reset?key=NAME} or {@code ?route=NAME} (an admin's): starts the current period of that
     * key's or route's budget again at zero, in the state store, so every instance sharing it admits the next request.
     * Answers the budget as it now stands.
     */
    private void reset(Exchange exchange) {
        Map<String, String> p = UsageReport.parameters(exchange.query());
        String key = p.get("key");
        String route = p.get("route");
        if (p.size() != 1 || (key == null) == (route == null) || (key != null ? key : route).isEmpty()) {
            exchange.reply(ErrorReply.invalidRequest(null, "Name one budget to reset: POST /v1/usage/reset?key=NAME"
                    + " or ?route=NAME."), false);
            return;
        }
        Budget budget = null;
        if (key != null) {
            for (KeyAccount a : server.accounts()) {
                if (a.name().equals(key)) {
                    budget = a.budget();
                }
            }
        } else if (server.switchboard().routeNames().contains(route)) {
            budget = server.switchboard().route(route).budget().orElse(null);
        }
        String what = key != null ? "key '" + key + "'" : "route '" + route + "'";
        if (budget == null) {
            exchange.reply(ErrorReply.notFound("There is no budget for " + what + " (a budget is set in its"
                    + " configuration block: budget { amount, period })."), false);
            return;
        }
        Budget reset = budget;
        try {
            reset.reset();
        } catch (StateUnavailableException e) {
            exchange.reply(ErrorReply.unavailable("The state backend cannot be reached; nothing was reset."), false);
            return;
        }
        GatewayServer.LOG.log(System.Logger.Level.INFO, "request " + exchange.requestId() + ": the budget of " + what
                + " was reset");
        exchange.reply(200, Exchange.JSON, JsonBodies.json(g -> {
            g.writeStartObject();
            g.writeStringField("object", "usage.reset");
            g.writeStringField(key != null ? "key" : "route", key != null ? key : route);
            g.writeFieldName("budget");
            g.writeStartObject();
            g.writeFieldName("amount_usd");
            g.writeNumber(plain(reset.limit().amount()));
            g.writeFieldName("spent_usd");
            g.writeNumber(plain(reset.spent()));
            g.writeStringField("resets_at", reset.resetsAt().toString());
            g.writeEndObject();
            g.writeEndObject();
        }), false, Exchange.NO_HEADERS);
    }

    /**
     * {@code GET /v1/usage}: the Switchboard's ledger since it started, as totals overall and per provider, per
     * {@code provider/model}, per route and per access key, and the state of every budget (routes' and keys').
     * Money is a plain decimal number of US dollars; {@code unpriced_requests} counts answers whose cost is unknown,
     * {@code estimated_requests} those whose tokens were partly estimated; a budget's {@code reserved_usd} is what
     * the calls in flight hold of it.
     */
    private byte[] usage() {
        UsageSnapshot u = server.switchboard().ledger().snapshot();
        return JsonBodies.json(g -> {
            g.writeStartObject();
            g.writeStringField("object", "usage");
            writeLedger(g, u);
            g.writeObjectFieldStart("budgets");
            g.writeObjectFieldStart("routes");
            for (String name : server.switchboard().routeNames()) {
                java.util.Optional<Budget> b = server.switchboard().route(name).budget();
                if (b.isPresent()) {
                    writeBudget(g, name, b.get());
                }
            }
            g.writeEndObject();
            g.writeObjectFieldStart("keys");
            for (KeyAccount a : server.accounts()) {
                if (a.budget() != null) {
                    writeBudget(g, a.name(), a.budget());
                }
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /**
     * {@code GET /v1/usage} for a plain key: the same shape, holding only the calls made with that key (its totals,
     * and per provider, model and route) and its own budget; {@code key} names it. No other key, no route budget.
     */
    private byte[] usageOf(AccessKey key) {
        return usageOf(key.name());
    }

    /** {@link #usageOf(AccessKey)} by name: also what an admin reads with {@code GET /v1/usage?key=NAME}. */
    private byte[] usageOf(String name) {
        UsageSnapshot u = server.switchboard().ledger().snapshotOfKey(name);
        KeyAccount account = null;
        for (KeyAccount a : server.accounts()) {
            if (a.name().equals(name)) {
                account = a;
            }
        }
        KeyAccount own = account;
        return JsonBodies.json(g -> {
            g.writeStartObject();
            g.writeStringField("object", "usage");
            g.writeStringField("key", name);
            writeLedger(g, u);
            g.writeObjectFieldStart("budgets");
            g.writeObjectFieldStart("keys");
            if (own != null && own.budget() != null) {
                writeBudget(g, name, own.budget());
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** The ledger part both usage answers share: the totals, then per provider, model, route and key. */
    private static void writeLedger(JsonGenerator g, UsageSnapshot u) throws IOException {
        g.writeFieldName("total");
        writeTotals(g, u.total());
        writeGroup(g, "providers", u.providers());
        writeGroup(g, "models", u.models());
        writeGroup(g, "routes", u.routes());
        writeGroup(g, "keys", u.keys());
    }

    private static void writeGroup(JsonGenerator g, String field, Map<String, UsageTotals> group) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, UsageTotals> e : group.entrySet()) {
            g.writeFieldName(e.getKey());
            writeTotals(g, e.getValue());
        }
        g.writeEndObject();
    }

    private static void writeTotals(JsonGenerator g, UsageTotals t) throws IOException {
        g.writeStartObject();
        g.writeNumberField("requests", t.requests());
        g.writeNumberField("input_tokens", t.inputTokens());
        g.writeNumberField("cached_input_tokens", t.cachedInputTokens());
        g.writeNumberField("output_tokens", t.outputTokens());
        g.writeNumberField("total_tokens", t.totalTokens());
        g.writeFieldName("cost_usd");
        g.writeNumber(plain(t.costUsd()));
        g.writeNumberField("unpriced_requests", t.unpricedRequests());
        g.writeNumberField("estimated_requests", t.estimatedRequests());
        g.writeEndObject();
    }

    private static void writeBudget(JsonGenerator g, String name, Budget b) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeFieldName("amount_usd");
        g.writeNumber(plain(b.limit().amount()));
        g.writeStringField("period", period(b.limit().period()));
        g.writeFieldName("spent_usd");
        g.writeNumber(plain(b.spent()));
        g.writeFieldName("reserved_usd");
        g.writeNumber(plain(b.reserved()));
        g.writeStringField("resets_at", b.resetsAt().toString());
        g.writeBooleanField("exceeded", b.exceeded());
        if (b.lastRefusal().isPresent()) {
            g.writeStringField("last_refused_at", b.lastRefusal().get().toString());
        }
        g.writeEndObject();
    }

    /** A period as the configuration spells it ({@code 1d}, {@code 30d}, {@code 1h}, {@code 90m}), not ISO's PT24H. */
    static String period(java.time.Duration d) {
        long s = d.getSeconds();
        if (d.getNano() != 0) {
            return d.toMillis() + "ms";
        }
        if (s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    /** A plain decimal (never 3.4E-4), as JSON number text. */
    private static String plain(java.math.BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }

    static void writeTarget(JsonGenerator g, TargetState t, String state) throws IOException {
        g.writeStartObject();
        g.writeStringField("target", t.label());
        g.writeStringField("state", state);
        if (t.state() == CircuitState.OPEN && t.openUntil() != null) {
            g.writeStringField("until", t.openUntil().toString());
        }
        g.writeNumberField("consecutive_failures", t.consecutiveFailures());
        g.writeEndObject();
    }

    static String providerState(String name, Map<String, String> missing, Map<String, ProviderManager> routes,
                                        ProviderManager direct) {
        if (missing.containsKey(name)) {
            return "key missing";
        }
        for (TargetState t : direct.targetStates()) {
            if (t.state() == CircuitState.OPEN) {
                return "cooling down";
            }
        }
        for (ProviderManager r : routes.values()) {
            for (TargetState t : r.targetStates()) {
                if (t.state() == CircuitState.OPEN && (t.label().equals(name) || t.label().startsWith(name + "/"))) {
                    return "cooling down";
                }
            }
        }
        return "ok";
    }

    static String describe(TargetState t) {
        return switch (t.state()) {
            case OPEN -> "cooling down";
            case HALF_OPEN -> "probing";
            case CLOSED -> "ok";
        };
    }

    /** The provider of a target label ({@code provider} or {@code provider/model}). */
    static String providerOf(String label, Map<String, ProviderManager> providers) {
        if (providers.containsKey(label)) {
            return label;
        }
        int slash = label.indexOf('/');
        return slash > 0 ? label.substring(0, slash) : label;
    }
}
