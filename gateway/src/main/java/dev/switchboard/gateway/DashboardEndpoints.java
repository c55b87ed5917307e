package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.api.Attempt;
import dev.switchboard.gateway.ui.CallRecord;
import dev.switchboard.gateway.ui.DashboardAssets;
import dev.switchboard.gateway.ui.ProviderEvents;
import dev.switchboard.gateway.ui.RecentCalls;
import dev.switchboard.gateway.ui.RouteWindows;
import dev.switchboard.runtime.CircuitState;
import dev.switchboard.runtime.ProviderManager;
import dev.switchboard.runtime.TargetState;
import dev.switchboard.runtime.metering.RateLimiter;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * The dashboard: {@code GET /ui} and its assets (no key needed: they hold no data), and its JSON, for admin keys only
 * ({@link AccessKeys} decides): {@code GET /ui/api/overview} (each provider's state, with when a cooldown ends and
 * the failure behind it; each route's targets and figures over the last 5 and 60 minutes) and
 * {@code GET /ui/api/requests} (the most recent calls with their attempt trails). Spend and budgets come from
 * {@code GET /v1/usage}. Every finished call is handed to {@link #finished}, which keeps what these pages show.
 */
final class DashboardEndpoints {

    /** How many recent calls the Requests page can list. */
    static final int RECENT_CALLS = 500;

    /** A skip for want of rate-limit room this recent still shows the provider as limited. */
    private static final Duration LIMITED_SHOWN = Duration.ofMinutes(1);

    /** What the browser is told about every dashboard answer: no sniffing, no framing, no referrer, no caching. */
    private static final Header[] PAGE_HEADERS = {
            new BasicHeader("Content-Security-Policy", DashboardAssets.POLICY),
            new BasicHeader("X-Content-Type-Options", "nosniff"),
            new BasicHeader("X-Frame-Options", "DENY"),
            new BasicHeader("Referrer-Policy", "no-referrer"),
            new BasicHeader("Cache-Control", "no-cache")};
    private static final Header[] DATA_HEADERS = {
            new BasicHeader("X-Content-Type-Options", "nosniff"),
            new BasicHeader("Cache-Control", "no-store")};

    /** Endpoints that call no provider (count_tokens estimates locally): not listed as calls. */
    private static final Set<Exchange.Endpoint> NOT_CALLS = EnumSet.of(Exchange.Endpoint.HEALTH,
            Exchange.Endpoint.READY, Exchange.Endpoint.METRICS, Exchange.Endpoint.USAGE, Exchange.Endpoint.USAGE_RESET,
            Exchange.Endpoint.MODELS, Exchange.Endpoint.MESSAGES_COUNT_TOKENS, Exchange.Endpoint.UI,
            Exchange.Endpoint.UI_DATA, Exchange.Endpoint.OTHER);

    private final GatewayServer server;
    private final DashboardAssets assets;
    private final RecentCalls recent = new RecentCalls(RECENT_CALLS);
    private final RouteWindows windows = new RouteWindows();
    private final ProviderEvents events = new ProviderEvents();
    private final boolean captureContent;

    static final String CAPTURE_CONTENT = "switchboard.telemetry.capture-content";

    DashboardEndpoints(GatewayServer server) {
        this.server = server;
        this.assets = new DashboardAssets(server.keys().required());
        com.typesafe.config.Config config = server.switchboard().config();
        this.captureContent = config.hasPath(CAPTURE_CONTENT) && config.getBoolean(CAPTURE_CONTENT);
    }

    /**
     * Whether the Requests page may show calls' text: the same setting that lets telemetry record it (declared by
     * the OpenTelemetry module; absent, nothing is kept).
     */
    boolean capturesContent() {
        return captureContent;
    }

    /** Keeps a finished call (not the gateway's own endpoints) for the pages. Never throws. */
    void finished(Exchange exchange, int status, long nanos) {
        if (NOT_CALLS.contains(exchange.endpoint())) {
            return;
        }
        try {
            Instant at = server.switchboard().clock().instant();
            long first = exchange.firstContentNanos == 0 ? -1 : exchange.firstContentNanos - exchange.startNanos();
            AccessKey key = exchange.key;
            CallRecord call = new CallRecord(exchange.requestId(), at, exchange.endpoint().label, exchange.label,
                    key == null ? null : key.name(), exchange.provider, status, nanos, first, exchange.trail,
                    exchange.prompt, exchange.answer, errorAnswer(exchange.error));
            // The ring last: once a call is listed, the figures and the provider's last failure include it too.
            windows.add(call.route(), at.toEpochMilli(), nanos, first, call.failed());
            events.saw(at, call.trail());
            recent.add(call);
        } catch (RuntimeException e) {
            FailureLine.log(System.Logger.Level.WARNING, "the dashboard could not keep request "
                    + exchange.requestId(), e);
        }
    }

    private static CallRecord.ErrorAnswer errorAnswer(ErrorReply e) {
        return e == null ? null : new CallRecord.ErrorAnswer(e.type(), e.code(), e.message()); // masked by ErrorReply
    }

    /** Answers {@code GET path} under {@code /ui}. */
    void answer(Exchange exchange, Exchange.Endpoint endpoint, String path) {
        if (endpoint == Exchange.Endpoint.UI) {
            Optional<DashboardAssets.Asset> asset = assets.find(path);
            if (asset.isEmpty()) {
                exchange.reply(ErrorReply.notFound("The dashboard has no file " + path + "; open /ui."), false);
                return;
            }
            exchange.reply(200, ContentType.parse(asset.get().contentType()), asset.get().bytes(), false, PAGE_HEADERS);
            return;
        }
        switch (path) {
            case "/ui/api/overview" -> onWorker(exchange, this::overview);
            case "/ui/api/requests" -> exchange.reply(200, Exchange.JSON, requests(), false, DATA_HEADERS);
            default -> exchange.reply(ErrorReply.notFound("The dashboard serves GET /ui/api/overview and"
                    + " GET /ui/api/requests; there is no " + path + "."), false);
        }
    }

    /** The overview reads rate-limit buckets from the state store, which may be a file: not on the reactor thread. */
    private void onWorker(Exchange exchange, java.util.function.Supplier<byte[]> body) {
        try {
            server.workers().execute(() -> {
                try {
                    exchange.reply(200, Exchange.JSON, body.get(), false, DATA_HEADERS);
                } catch (RuntimeException e) {
                    exchange.failedInside(e);
                }
            });
        } catch (RejectedExecutionException e) {
            exchange.reply(ErrorReply.busy(), false);
        }
    }

    /** {@code GET /ui/api/overview}. */
    private byte[] overview() {
        Instant now = server.switchboard().clock().instant();
        Map<String, String> missing = server.switchboard().missingKeys();
        Map<String, ProviderManager> providers = server.resolver().providers();
        Map<String, ProviderManager> routes = server.resolver().routes();
        Map<String, RouteWindows.Figures> last5 = windows.figures(now.toEpochMilli(), Duration.ofMinutes(5));
        Map<String, RouteWindows.Figures> last60 = windows.figures(now.toEpochMilli(), RouteWindows.KEPT);
        return JsonBodies.json(g -> {
            g.writeStartObject();
            g.writeStringField("object", "dashboard.overview");
            g.writeStringField("now", now.toString());
            g.writeArrayFieldStart("providers");
            for (Map.Entry<String, ProviderManager> p : providers.entrySet()) {
                writeProvider(g, p.getKey(), missing, routes, p.getValue(), now);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("routes");
            Set<String> names = new LinkedHashSet<>(routes.keySet());
            names.addAll(last60.keySet()); // calls that named a provider directly, or no known model ("-")
            for (String name : names) {
                g.writeStartObject();
                g.writeStringField("name", name);
                g.writeArrayFieldStart("targets");
                ProviderManager route = routes.get(name);
                if (route != null) {
                    for (TargetState t : route.targetStates()) {
                        boolean keyMissing = missing.containsKey(InfoEndpoints.providerOf(t.label(), providers));
                        InfoEndpoints.writeTarget(g, t, keyMissing ? "key missing" : InfoEndpoints.describe(t));
                    }
                }
                g.writeEndArray();
                writeFigures(g, "last_5m", last5.get(name));
                writeFigures(g, "last_60m", last60.get(name));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void writeProvider(JsonGenerator g, String name, Map<String, String> missing,
                               Map<String, ProviderManager> routes, ProviderManager direct, Instant now)
            throws IOException {
        String state = InfoEndpoints.providerState(name, missing, routes, direct);
        Instant until = null;
        String limitedWhy = null;
        Instant limitedSince = null;
        if (state.equals("cooling down")) {
            until = coolingUntil(name, routes, direct);
        } else if (state.equals("ok")) {
            RateLimiter.Snapshot limits = limits(name);
            if (limits != null && limits.heldUntil() != null && limits.heldUntil().isAfter(now)) {
                state = "limited";
                until = limits.heldUntil();
                limitedWhy = "the provider reported no room left until then";
            } else if (events.lastLimited(name).filter(at -> at.isAfter(now.minus(LIMITED_SHOWN))).isPresent()) {
                state = "limited";
                limitedSince = events.lastLimited(name).get();
                limitedWhy = "a call skipped it at " + limitedSince + ": its rate limit had no room";
            } else if (probing(name, routes, direct)) {
                // a cooldown just ended: the route's target says "probing" until a call tries it again
                state = "probing";
            }
        }
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("state", state);
        if (until != null) {
            g.writeStringField("until", until.toString());
        }
        if (state.equals("key missing")) {
            g.writeStringField("fix", missing.get(name));
        }
        if (limitedWhy != null) {
            g.writeStringField("why", limitedWhy);
        }
        if (limitedSince != null) {
            g.writeStringField("limited_at", limitedSince.toString()); // no end known: "recently", not "until"
        }
        Optional<ProviderEvents.Failure> failure = events.lastFailure(name);
        if (state.equals("cooling down") && failure.isEmpty()) {
            // a cooldown from before a restart (or another instance's): the store still knows the failures' kind
            String cause = cooldownCause(name, routes, direct);
            if (cause != null) {
                g.writeStringField("cooldown_cause", cause);
            }
        }
        if (failure.isPresent()) {
            g.writeObjectFieldStart("last_failure");
            g.writeStringField("at", failure.get().at().toString());
            g.writeStringField("kind", failure.get().kind());
            g.writeStringField("description", failure.get().description());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** The targets of provider {@code name}: its own, and those of the routes that name it. */
    private static java.util.List<TargetState> targetsOf(String name, Map<String, ProviderManager> routes,
                                                        ProviderManager direct) {
        java.util.List<TargetState> targets = new java.util.ArrayList<>(direct.targetStates());
        for (ProviderManager r : routes.values()) {
            for (TargetState t : r.targetStates()) {
                if (t.label().equals(name) || t.label().startsWith(name + "/")) {
                    targets.add(t);
                }
            }
        }
        return targets;
    }

    /** The kind of the last failure of the provider's cooling-down targets, as the state store keeps it; or null. */
    private static String cooldownCause(String name, Map<String, ProviderManager> routes, ProviderManager direct) {
        java.util.List<ProviderManager> managers = new java.util.ArrayList<>(routes.values());
        managers.add(direct);
        for (ProviderManager m : managers) {
            for (TargetState t : m.targetStates()) {
                if (t.state() == CircuitState.OPEN && (t.label().equals(name) || t.label().startsWith(name + "/"))) {
                    dev.switchboard.api.ErrorKind kind = m.lastFailures().get(t.label());
                    if (kind != null) {
                        return kind.name().toLowerCase(Locale.ROOT) + " failures (" + t.consecutiveFailures()
                                + " in a row)";
                    }
                }
            }
        }
        return null;
    }

    /** Whether a target of the provider is half open: its cooldown ended and the next call is a probe. */
    private static boolean probing(String name, Map<String, ProviderManager> routes, ProviderManager direct) {
        return targetsOf(name, routes, direct).stream().anyMatch(t -> t.state() == CircuitState.HALF_OPEN);
    }

    /** The latest end of a cooldown among the provider's targets that are cooling down. */
    private static Instant coolingUntil(String name, Map<String, ProviderManager> routes, ProviderManager direct) {
        Instant until = null;
        for (TargetState t : targetsOf(name, routes, direct)) {
            if (t.state() == CircuitState.OPEN && t.openUntil() != null
                    && (until == null || t.openUntil().isAfter(until))) {
                until = t.openUntil();
            }
        }
        return until;
    }

    /** The provider's rate-limit buckets now, or null when they cannot be read. */
    private RateLimiter.Snapshot limits(String provider) {
        try {
            return server.switchboard().rateLimiter(provider).snapshot();
        } catch (RuntimeException e) {
            return null; // a state backend that cannot be reached: the page shows what it can
        }
    }

    private static void writeFigures(JsonGenerator g, String field, RouteWindows.Figures f) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeNumberField("requests", f == null ? 0 : f.requests());
        g.writeNumberField("per_minute", f == null ? 0 : round(f.perMinute()));
        g.writeNumberField("error_rate", f == null ? 0 : round(f.errorRate()));
        writeMillis(g, "latency_p50_ms", f == null ? null : f.latencyP50Ms());
        writeMillis(g, "latency_p95_ms", f == null ? null : f.latencyP95Ms());
        writeMillis(g, "first_content_p50_ms", f == null ? null : f.firstContentP50Ms());
        writeMillis(g, "first_content_p95_ms", f == null ? null : f.firstContentP95Ms());
        g.writeEndObject();
    }

    private static void writeMillis(JsonGenerator g, String field, Double ms) throws IOException {
        if (ms == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, round(ms));
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** {@code GET /ui/api/requests}: the kept calls, newest first. */
    private byte[] requests() {
        return JsonBodies.json(g -> {
            g.writeStartObject();
            g.writeStringField("object", "dashboard.requests");
            g.writeNumberField("capacity", recent.capacity());
            g.writeNumberField("seen", recent.added());
            g.writeArrayFieldStart("data");
            for (CallRecord c : recent.newestFirst()) {
                g.writeStartObject();
                g.writeStringField("id", c.id());
                g.writeStringField("at", c.at().toString());
                g.writeStringField("endpoint", c.endpoint());
                g.writeStringField("route", c.route());
                if (c.key() != null) {
                    g.writeStringField("key", c.key());
                }
                g.writeStringField("provider", c.provider());
                g.writeNumberField("status", c.status());
                g.writeNumberField("latency_ms", round(c.latencyNanos() / 1e6));
                g.writeBooleanField("stream", c.streamed());
                if (c.streamed()) {
                    g.writeNumberField("first_content_ms", round(c.firstContentNanos() / 1e6));
                }
                if (c.prompt() != null) {
                    g.writeStringField("prompt", c.prompt());
                }
                if (c.answer() != null) {
                    g.writeStringField("answer", c.answer());
                }
                if (c.error() != null) {
                    g.writeObjectFieldStart("error");
                    g.writeStringField("type", c.error().type());
                    if (c.error().code() != null) {
                        g.writeStringField("code", c.error().code());
                    }
                    g.writeStringField("message", c.error().message());
                    g.writeEndObject();
                }
                g.writeArrayFieldStart("attempts");
                for (Attempt a : c.trail()) {
                    g.writeStartObject();
                    g.writeStringField("provider", a.provider());
                    if (a.model().isPresent()) {
                        g.writeStringField("model", a.model().get());
                    }
                    g.writeStringField("outcome", a.outcome().name().toLowerCase(Locale.ROOT));
                    if (a.errorKind().isPresent()) {
                        g.writeStringField("error_kind", a.errorKind().get().name().toLowerCase(Locale.ROOT));
                    }
                    if (a.error().isPresent()) {
                        g.writeStringField("error", a.error().get());
                    }
                    g.writeNumberField("latency_ms", round(a.latency().toNanos() / 1e6));
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }
}
