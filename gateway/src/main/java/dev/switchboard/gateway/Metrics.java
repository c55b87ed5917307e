package dev.switchboard.gateway;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.CircuitState;
import dev.switchboard.runtime.ProviderManager;
import dev.switchboard.runtime.ProviderManager.Target;
import dev.switchboard.runtime.TargetState;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.routing.TargetStats;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The gateway's counters in Prometheus' text exposition format (version 0.0.4), written by hand: requests, errors
 * by kind, a latency histogram, tokens, cost, retries, fallbacks, mid-stream resumptions, cooldown and rate-limit
 * skips, and the cooldown state of every target, each per route and provider. Updates are lock-free ({@link LongAdder}s in
 * concurrent maps keyed by the label values); a scrape reads a consistent-enough snapshot. Thread-safe.
 */
final class Metrics {

    /** Upper bounds of the latency histogram, in seconds. */
    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> tokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> retries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> fallbacks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> resumptions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> cooldownSkips = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> rateLimitSkips = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> abandonedStreams = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> cacheLookups = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> estimatedUsage = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DoubleAdder> cost = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Histogram> latency = new ConcurrentHashMap<>();
    private final AtomicLong inFlight = new AtomicLong();
    // The label strings of the metrics every request adds to, built once per combination of values (LabelSet).
    private final LabelSet requestLabels = new LabelSet("endpoint", "route", "provider", "status");
    private final LabelSet latencyLabels = new LabelSet("endpoint", "route");
    private final LabelSet cacheLabels = new LabelSet("route", "result");
    private final LabelSet tokenLabels = new LabelSet("route", "provider", "direction");
    private final LabelSet costLabels = new LabelSet("route", "provider");
    private static final int LABEL_SETS_KEPT = 10_000;
    /** HTTP statuses as label values, made once. */
    private static final String[] STATUS_TEXT = new String[600];

    static {
        for (int i = 0; i < STATUS_TEXT.length; i++) {
            STATUS_TEXT[i] = Integer.toString(i);
        }
    }
    private final AtomicLong openStreams = new AtomicLong();

    private static final class Histogram {
        final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
        final LongAdder sumMicros = new LongAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(long nanos) {
            double seconds = nanos / 1e9;
            int i = 0;
            while (i < BUCKETS.length && seconds > BUCKETS[i]) {
                i++;
            }
            counts[i].increment();
            sumMicros.add(nanos / 1000);
        }
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void streamOpened() {
        openStreams.incrementAndGet();
    }

    void streamClosed() {
        openStreams.decrementAndGet();
    }

    /**
     * One finished request.
     *
     * @param endpoint e.g. {@code chat}, {@code embeddings}
     * @param route    the route or provider the model named; {@code -} when none was resolved
     * @param provider the provider that answered; {@code -} when none did
     * @param status   the HTTP status sent
     * @param nanos    the whole time the gateway spent on it
     */
    void finished(String endpoint, String route, String provider, int status, long nanos) {
        inFlight.decrementAndGet();
        add(requests, requestLabels.of(endpoint, route, provider, statusText(status)));
        latency.computeIfAbsent(latencyLabels.of(endpoint, route), k -> new Histogram()).observe(nanos);
    }

    void error(String endpoint, String route, String kind) {
        add(errors, labels("endpoint", endpoint, "route", route, "kind", kind));
    }

    /**
     * One call recorded in the Switchboard's ledger (answered, or a stream that ended early), fed by the ledger so a
     * stream is counted once, by whichever thread ended it: its tokens, its cost, and whether they were estimated.
     * Calls made outside any route (directly to a provider, not through this gateway) are left out.
     */
    void recorded(UsageRecord r) {
        if (r.route().isEmpty()) {
            return;
        }
        usage(r.route(), r.provider(), r.usage());
        cost(r.route(), r.provider(), r.cost());
        if (r.estimated()) {
            add(estimatedUsage, labels("route", r.route(), "provider", r.provider()));
        }
    }

    /** A streamed answer whose client left before its end. */
    /** A lookup in a route's response cache: {@code hit} or {@code miss} (a bypass counts as a miss). */
    void cache(String route, boolean hit) {
        add(cacheLookups, cacheLabels.of(route, hit ? "hit" : "miss"));
    }

    void abandoned(String route, String provider) {
        add(abandonedStreams, labels("route", route, "provider", provider));
    }

    void usage(String route, String provider, Usage usage) {
        if (usage.inputTokens() > 0) {
            add(tokens, tokenLabels.of(route, provider, "input"), usage.inputTokens());
        }
        if (usage.outputTokens() > 0) {
            add(tokens, tokenLabels.of(route, provider, "output"), usage.outputTokens());
        }
    }

    /** The known cost of an answer; unknown costs add nothing here (GET /v1/usage counts them as unpriced). */
    void cost(String route, String provider, Cost c) {
        c.usd().ifPresent(usd -> cost.computeIfAbsent(costLabels.of(route, provider), k -> new DoubleAdder())
                .add(usd.doubleValue()));
    }

    /**
     * Reads a trail by its outcomes: a step after a failed try of the same provider is a retry, after a failed or
     * skipped step of another provider a fallback; a {@link Attempt.Outcome#RESUMED} step is a resumption from the
     * provider whose stream broke ({@link Attempt.Outcome#FAILED_MID_STREAM}); skips are counted by their cause.
     */
    void attempts(String route, Iterable<Attempt> trail) {
        Attempt previous = null;
        String brokeMidStream = null;
        for (Attempt a : trail) {
            switch (a.outcome()) {
                case SKIPPED_COOLDOWN -> add(cooldownSkips, labels("route", route, "provider", a.provider()));
                case SKIPPED_LOCAL_LIMIT -> add(rateLimitSkips, labels("route", route, "provider", a.provider()));
                case RESUMED -> {
                    if (brokeMidStream != null) {
                        add(resumptions, labels("route", route, "from", brokeMidStream, "to", a.provider()));
                    }
                }
                default -> { }
            }
            if (previous != null && !previous.succeeded() && previous.outcome() != Attempt.Outcome.FAILED_MID_STREAM) {
                if (previous.provider().equals(a.provider()) && previous.outcome() == Attempt.Outcome.FAILED) {
                    add(retries, labels("route", route, "provider", a.provider()));
                } else {
                    add(fallbacks, labels("route", route, "from", previous.provider(), "to", a.provider()));
                }
            }
            if (a.outcome() == Attempt.Outcome.FAILED_MID_STREAM) {
                brokeMidStream = a.provider();
            }
            previous = a;
        }
    }

    private static void add(ConcurrentHashMap<String, LongAdder> map, String key) {
        add(map, key, 1);
    }

    private static void add(ConcurrentHashMap<String, LongAdder> map, String key, long n) {
        LongAdder a = map.get(key);
        if (a == null) {
            a = map.computeIfAbsent(key, k -> new LongAdder());
        }
        a.add(n);
    }

    /**
     * One metric's label names, and its {@link #labels} strings built once per combination of values: every request is
     * labelled with one of a few, and building (and escaping) the string each time cost more than the rest of the
     * bookkeeping. The strings are found by their values, one map per label, so a request's lookup allocates nothing.
     * Past {@link #LABEL_SETS_KEPT} combinations of a set the strings are built each time.
     */
    private static final class LabelSet {
        private final String[] names;
        private final Node root = new Node();
        private final AtomicInteger nodes = new AtomicInteger();

        /** The values seen so far after a path of values, and the string of the path when it is a whole set. */
        private static final class Node {
            final ConcurrentHashMap<String, Node> next = new ConcurrentHashMap<>(4);
            volatile String built;
        }

        LabelSet(String... names) {
            this.names = names;
        }

        String of(String a, String b) {
            return find(a, b, null, null);
        }

        String of(String a, String b, String c) {
            return find(a, b, c, null);
        }

        String of(String a, String b, String c, String d) {
            return find(a, b, c, d);
        }

        private String find(String a, String b, String c, String d) {
            Node node = root;
            for (int i = 0; i < names.length; i++) {
                String v = i == 0 ? a : i == 1 ? b : i == 2 ? c : d;
                String key = v == null ? "" : v; // labels() writes a null value as ""
                Node n = node.next.get(key);
                if (n == null) {
                    if (nodes.get() >= LABEL_SETS_KEPT) {
                        return build(a, b, c, d);
                    }
                    n = node.next.computeIfAbsent(key, k -> {
                        nodes.incrementAndGet();
                        return new Node();
                    });
                }
                node = n;
            }
            String built = node.built;
            if (built == null) {
                built = build(a, b, c, d);
                node.built = built;
            }
            return built;
        }

        private String build(String a, String b, String c, String d) {
            String[] values = {a, b, c, d};
            String[] pairs = new String[names.length * 2];
            for (int i = 0; i < names.length; i++) {
                pairs[2 * i] = names[i];
                pairs[2 * i + 1] = values[i];
            }
            return labels(pairs);
        }
    }

    private static String statusText(int status) {
        return status >= 0 && status < STATUS_TEXT.length ? STATUS_TEXT[status] : Integer.toString(status);
    }

    /** {@code name="value",...} with Prometheus escaping. */
    static String labels(String... pairs) {
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(pairs[i]).append("=\"");
            String v = pairs[i + 1] == null ? "" : pairs[i + 1];
            for (int j = 0; j < v.length(); j++) {
                char c = v.charAt(j);
                if (c == '\\' || c == '"') {
                    sb.append('\\').append(c);
                } else if (c == '\n') {
                    sb.append("\\n");
                } else {
                    sb.append(c);
                }
            }
            sb.append('"');
        }
        return sb.toString();
    }

    /** The exposition text; {@code routes} supplies the cooldown state of each route's targets at scrape time. */
    String render(Supplier<Map<String, ProviderManager>> routes) {
        return render(routes, null);
    }

    /** As {@link #render(Supplier)}, with the state backend's outage counters when {@code state} guards one. */
    String render(Supplier<Map<String, ProviderManager>> routes,
                  dev.switchboard.runtime.state.@org.jspecify.annotations.Nullable StateStore state) {
        StringBuilder out = new StringBuilder(4096);
        counter(out, "switchboard_gateway_requests_total", "Requests answered, by endpoint, route, provider and status.", requests);
        counter(out, "switchboard_gateway_errors_total", "Requests that failed, by endpoint, route and error kind.", errors);
        counter(out, "switchboard_gateway_tokens_total", "Tokens of the calls recorded (reported by providers, else"
                + " estimated), by route, provider and direction.", tokens);
        counter(out, "switchboard_gateway_retries_total", "Retries of a provider within a request.", retries);
        counter(out, "switchboard_gateway_fallbacks_total", "Moves from a failed provider to the next target.", fallbacks);
        counter(out, "switchboard_gateway_stream_resumptions_total", "Streams continued by another target after a mid-stream failure.", resumptions);
        counter(out, "switchboard_gateway_cooldown_skips_total", "Targets skipped because they were cooling down.", cooldownSkips);
        counter(out, "switchboard_gateway_rate_limit_skips_total", "Targets skipped without sending because their"
                + " provider's rate limit (configured, or reported by the provider) had no room.", rateLimitSkips);
        counter(out, "switchboard_gateway_abandoned_streams_total", "Streamed answers whose client left before their"
                + " end; each is still recorded in the usage and budgets.", abandonedStreams);
        counter(out, "switchboard_gateway_cache_lookups_total", "Lookups in the routes' response caches, by route and"
                + " result (hit, miss).", cacheLookups);
        counter(out, "switchboard_gateway_estimated_usage_total", "Calls recorded with tokens Switchboard estimated"
                + " because the provider reported none (streams abandoned or cut before their usage report).", estimatedUsage);
        out.append("# HELP switchboard_gateway_cost_usd_total Known cost of the answers, in US dollars, by route and provider.\n");
        out.append("# TYPE switchboard_gateway_cost_usd_total counter\n");
        for (Map.Entry<String, DoubleAdder> e : new TreeMap<>(cost).entrySet()) {
            out.append("switchboard_gateway_cost_usd_total{").append(e.getKey()).append("} ")
                    .append(dollars(e.getValue().sum())).append('\n');
        }
        out.append("# HELP switchboard_gateway_request_duration_seconds Time the gateway spent on a request (streams: until the end).\n");
        out.append("# TYPE switchboard_gateway_request_duration_seconds histogram\n");
        for (Map.Entry<String, Histogram> e : new TreeMap<>(latency).entrySet()) {
            Histogram h = e.getValue();
            long cumulative = 0;
            for (int i = 0; i < h.counts.length; i++) {
                cumulative += h.counts[i].sum();
                String le = i < BUCKETS.length ? Double.toString(BUCKETS[i]) : "+Inf";
                out.append("switchboard_gateway_request_duration_seconds_bucket{").append(e.getKey()).append(",le=\"")
                        .append(le).append("\"} ").append(cumulative).append('\n');
            }
            out.append("switchboard_gateway_request_duration_seconds_sum{").append(e.getKey()).append("} ")
                    .append(h.sumMicros.sum() / 1e6).append('\n');
            out.append("switchboard_gateway_request_duration_seconds_count{").append(e.getKey()).append("} ")
                    .append(cumulative).append('\n');
        }
        gauge(out, "switchboard_gateway_requests_in_flight", "Requests being served now.", inFlight.get());
        gauge(out, "switchboard_gateway_open_streams", "Streamed answers being sent now.", openStreams.get());
        if (state instanceof dev.switchboard.runtime.state.FailurePolicyStore guarded) {
            String backend = "{" + labels("backend", guarded.backend()) + "} ";
            out.append("# HELP switchboard_state_outages_total Times the state backend became unreachable"
                    + " (switchboard.state.on-failure decided the calls meanwhile).\n");
            out.append("# TYPE switchboard_state_outages_total counter\n");
            out.append("switchboard_state_outages_total").append(backend).append(guarded.outages()).append('\n');
            out.append("# HELP switchboard_state_failed_operations_total State operations that found the backend"
                    + " unreachable.\n");
            out.append("# TYPE switchboard_state_failed_operations_total counter\n");
            out.append("switchboard_state_failed_operations_total").append(backend).append(guarded.failedOperations())
                    .append('\n');
            out.append("# HELP switchboard_state_unavailable Whether the state backend is unreachable now (1) or not (0).\n");
            out.append("# TYPE switchboard_state_unavailable gauge\n");
            out.append("switchboard_state_unavailable").append(backend).append(guarded.unavailable() ? 1 : 0).append('\n');
        }
        if (state != null && state.usageLog().isPresent()) {
            counter(out, "switchboard_usage_log_dropped_total", "Calls left out of the usage log because its queue"
                    + " was full (the database or disk stalled, slower than the traffic, or away); each is still"
                    + " counted in the state store's totals and budgets.", state.usageLog().get().dropped());
        }
        out.append("# HELP switchboard_target_cooling_down Whether a route's target is cooling down (1) or not (0).\n");
        out.append("# TYPE switchboard_target_cooling_down gauge\n");
        for (Map.Entry<String, ProviderManager> r : routes.get().entrySet()) {
            for (TargetState s : r.getValue().targetStates()) {
                out.append("switchboard_target_cooling_down{").append(labels("route", r.getKey(), "target", s.label()))
                        .append("} ").append(s.state() == CircuitState.OPEN ? 1 : 0).append('\n');
            }
        }
        targetStats(out, routes.get());
        return out.toString();
    }

    /**
     * What target groups pick by, as this gateway knows it (the statistics are kept per process): the calls in flight
     * to each target of each route, and its weighted time to first token once an answer was measured.
     */
    private static void targetStats(StringBuilder out, Map<String, ProviderManager> routes) {
        out.append("# HELP switchboard_target_in_flight Calls in flight from a route to a target in this gateway (what"
                + " least-busy groups pick by).\n");
        out.append("# TYPE switchboard_target_in_flight gauge\n");
        for (Map.Entry<String, ProviderManager> r : routes.entrySet()) {
            for (Map.Entry<Target, TargetStats> t : r.getValue().targetStats().entrySet()) {
                out.append("switchboard_target_in_flight{").append(labels("route", r.getKey(), "target",
                        t.getKey().label())).append("} ").append(t.getValue().inFlight()).append('\n');
            }
        }
        out.append("# HELP switchboard_target_first_token_seconds Exponentially weighted time to first token of a"
                + " route's target in this gateway (what latency groups pick by); absent until an answer was measured.\n");
        out.append("# TYPE switchboard_target_first_token_seconds gauge\n");
        for (Map.Entry<String, ProviderManager> r : routes.entrySet()) {
            for (Map.Entry<Target, TargetStats> t : r.getValue().targetStats().entrySet()) {
                if (t.getValue().samples() > 0) {
                    out.append("switchboard_target_first_token_seconds{").append(labels("route", r.getKey(), "target",
                            t.getKey().label())).append("} ").append(t.getValue().latency().toNanos() / 1e9).append('\n');
                }
            }
        }
    }

    /**
     * A dollar total as a plain decimal: the counter adds doubles, whose sums carry binary noise (0.00017 would print
     * as 1.7000000000000004E-4); twelve significant digits keep every cent and drop the noise.
     */
    static String dollars(double sum) {
        return new java.math.BigDecimal(sum).round(new java.math.MathContext(12)).stripTrailingZeros().toPlainString();
    }

    private static void counter(StringBuilder out, String name, String help, Map<String, LongAdder> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(values).entrySet()) {
            out.append(name).append('{').append(e.getKey()).append("} ").append(e.getValue().sum()).append('\n');
        }
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(' ').append(value).append('\n');
    }
}
