package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.FinishReason;
import dev.switchboard.http.Json;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.config.RouteConfig;
import dev.switchboard.runtime.state.ResponseStore;
import java.math.BigDecimal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The exact-match response cache of the routes that have {@code routes.<name>.cache}: one Caffeine cache per route
 * (size-bounded, entries expiring {@code ttl} after they were written on the Switchboard's clock), or, with
 * {@code switchboard.cache.backend = redis}, the state's Redis server, which every gateway on it shares (entries
 * expiring on the server's clock, each at most {@code max-entry-bytes}). A request's key is
 * the route, the model it resolved to, the access key (so one key's answers never reach another), whether it is
 * streamed, and the canonical form of its body: fields sorted at every level, numbers compared by value, and the
 * fields that do not change the answer ({@code stream}, {@code stream_options}, {@code user}) or that state a
 * default ({@code n = 1}, {@code top_p = 1}, zero penalties, {@code parallel_tool_calls = true}) left out.
 * Thread-safe.
 */
final class ResponseCache {

    static final String HEADER = "x-switchboard-cache";

    /** Fields that do not change the answer. */
    private static final Set<String> IGNORED = Set.of("stream", "stream_options", "user");
    /** Fields whose value, when it is this one, is what leaving them out means. */
    private static final Map<String, BigDecimal> NUMERIC_DEFAULTS = Map.of("n", BigDecimal.ONE, "top_p",
            BigDecimal.ONE, "presence_penalty", BigDecimal.ZERO, "frequency_penalty", BigDecimal.ZERO);

    /**
     * A cached answer: the response of a call that was not streamed, or the events of a stream. A hit on an answer
     * that was not streamed reuses the body bytes another hit wrote in the same second ({@link #body}), so a burst of
     * hits serialises the answer once a second rather than once a hit.
     */
    static final class Entry {
        private final @Nullable ChatResponse response;
        private final List<ChatEvent> events;
        private final String provider;
        /** The body as last written, with what it depends on; null until a hit writes one. */
        private volatile @Nullable WrittenBody written;

        Entry(@Nullable ChatResponse response, List<ChatEvent> events, String provider) {
            this.response = response;
            this.events = List.copyOf(events);
            this.provider = provider;
        }

        @Nullable ChatResponse response() {
            return response;
        }

        List<ChatEvent> events() {
            return events;
        }

        String provider() {
            return provider;
        }

        /**
         * The body of a hit answered at {@code created} (epoch seconds) naming {@code model}: the bytes a hit wrote
         * with the same two, or {@code write}'s, kept for the next hits. The bytes are shared: nobody may change them.
         */
        byte[] body(long created, String model, java.util.function.Supplier<byte[]> write) {
            WrittenBody w = written;
            if (w != null && w.created() == created && w.model().equals(model)) {
                return w.bytes();
            }
            byte[] bytes = write.get();
            written = new WrittenBody(created, model, bytes);
            return bytes;
        }

        /** The model the provider said answered, or null when it said none. */
        @Nullable String model() {
            if (response != null) {
                return response.model().isEmpty() ? null : response.model();
            }
            for (ChatEvent e : events) {
                if (e instanceof ChatEvent.Started s && s.model() != null && !s.model().isEmpty()) {
                    return s.model();
                }
            }
            return null;
        }
    }

    private record WrittenBody(long created, String model, byte[] bytes) {}

    /** Where one route's answers are kept. */
    private interface Store {
        @Nullable Entry get(String key);

        void put(String key, Entry entry);
    }

    private final Map<String, Store> byRoute = new HashMap<>();
    private final Map<String, RouteConfig.CacheSettings> settings = new HashMap<>();
    /** Whether any route keeps its answers in this process. */
    private final boolean anyInProcess;

    ResponseCache(Switchboard switchboard) {
        Clock clock = switchboard.clock();
        for (String route : switchboard.routeNames()) {
            switchboard.routeCache(route).ifPresent(s -> {
                settings.put(route, s);
                byRoute.put(route, s.shared() ? new SharedStore(switchboard.state().responses().orElseThrow(() ->
                        new IllegalStateException("switchboard.cache.backend = redis, but the state backend ("
                                + switchboard.state().backend() + ") keeps no shared answers; set"
                                + " switchboard.state.backend = redis")), s)
                        : new MemoryStore(Caffeine.newBuilder().maximumSize(s.maxEntries()).expireAfterWrite(s.ttl())
                                .ticker(() -> nanos(clock.instant())).build()));
            });
        }
        anyInProcess = byRoute.values().stream().anyMatch(MemoryStore.class::isInstance);
    }

    /** In this process (Caffeine): entries as they are, bounded in number, expiring on the Switchboard's clock. */
    private record MemoryStore(Cache<String, Entry> cache) implements Store {
        @Override
        public @Nullable Entry get(String key) {
            return cache.getIfPresent(key);
        }

        @Override
        public void put(String key, Entry entry) {
            cache.put(key, entry);
        }
    }

    /**
     * In the state's shared store (Redis), as text ({@link CachedAnswerCodec}) expiring on the server's clock; an entry
     * larger than {@code max-entry-bytes} is not kept. A store that cannot be reached is a miss (logged once per
     * outage): the cache saves money, it must not fail a call that a provider can answer.
     */
    static final class SharedStore implements Store {
        /**
         * Most bytes of decoded entries kept in this process, counted as three times an entry's text (the text, the
         * entry read from it, the body a hit wrote): an entry may be as large as {@code max-entry-bytes} (1 MiB by
         * default), so a count alone would let a route's distinct answers fill the heap of a gateway that chose a
         * shared store so as not to hold them.
         */
        private static final long DECODED_BYTES = 16L << 20;

        private final ResponseStore store;
        private final RouteConfig.CacheSettings settings;
        private final AtomicBoolean failing = new AtomicBoolean();
        /**
         * The entry last read for each key, with the text it was read from: a hit whose text is that text reuses the
         * entry, and with it the body a hit wrote in the same second, instead of reading the text again (a tree and a
         * response per hit). The store still decides what is kept and for how long: each hit asks it for the text.
         */
        private final Cache<String, Decoded> decoded;

        private record Decoded(String text, Entry entry) {}

        SharedStore(ResponseStore store, RouteConfig.CacheSettings settings) {
            this.store = store;
            this.settings = settings;
            this.decoded = Caffeine.newBuilder()
                    .maximumWeight(DECODED_BYTES)
                    .weigher((String key, Decoded d) -> (int) Math.min(Integer.MAX_VALUE, 3L * d.text().length()))
                    .expireAfterWrite(settings.ttl())
                    .build();
        }

        @Override
        public @Nullable Entry get(String key) {
            Optional<String> text;
            try {
                text = store.get(key);
                reachable();
            } catch (RuntimeException e) {
                unreachable(e);
                return null;
            }
            if (text.isEmpty()) {
                return null;
            }
            Decoded last = decoded.getIfPresent(key);
            if (last != null && last.text().equals(text.get())) {
                return last.entry();
            }
            Entry entry = CachedAnswerCodec.decode(text.get());
            if (entry != null) {
                decoded.put(key, new Decoded(text.get(), entry));
            }
            return entry;
        }

        @Override
        public void put(String key, Entry entry) {
            String text = CachedAnswerCodec.encode(entry);
            // UTF-8 takes at least one byte a char: a text this short in chars is short enough in bytes too
            if (text.length() > settings.maxEntryBytes()
                    || text.getBytes(StandardCharsets.UTF_8).length > settings.maxEntryBytes()) {
                return;
            }
            try {
                store.put(key, text, settings.ttl());
                reachable();
            } catch (RuntimeException e) {
                unreachable(e);
            }
        }

        private void reachable() {
            if (failing.compareAndSet(true, false)) {
                GatewayServer.LOG.log(System.Logger.Level.INFO, "the shared response cache is reachable again");
            }
        }

        private void unreachable(RuntimeException e) {
            if (failing.compareAndSet(false, true)) {
                GatewayServer.LOG.log(System.Logger.Level.WARNING, "the shared response cache cannot be reached;"
                        + " requests go to the providers until it is back: " + e.getMessage());
            }
        }
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /**
     * The key of a request to {@code route}, or null when the route does not cache or the request asks for a sampled
     * answer (a temperature above 0, or none: providers then sample) and the route does not allow sampling.
     */
    @Nullable String key(String route, @Nullable String model, @Nullable AccessKey accessKey, boolean stream,
                         byte[] body, int length) {
        RouteConfig.CacheSettings s = settings.get(route);
        if (s == null) {
            return null;
        }
        CanonicalBody canonical = CanonicalBody.get();
        StringBuilder out = canonical.start().append(route).append('\0').append(model).append('\0')
                .append(accessKey == null ? "" : accessKey.name()).append('\0').append(stream ? 's' : 'c').append('\0');
        int prefix = out.length();
        try {
            if (!canonical.append(body, length)) { // a body the streaming form gives up on: read as a tree
                out.setLength(prefix);
                JsonNode tree;
                try {
                    tree = Json.read(body, 0, length);
                } catch (IOException e) {
                    throw new IllegalStateException("a request body that was read once no longer parses", e);
                }
                canonical.temperatureZero(canonicalTree(tree, out));
            }
            if (!s.allowSampling() && !canonical.temperatureZero()) {
                return null; // a temperature above 0, or none: providers then sample
            }
            return canonical.sha256();
        } finally {
            canonical.done();
        }
    }

    /** Whether {@code route} has a cache (whether or not a given request of it may use it). */
    boolean caches(String route) {
        return settings.containsKey(route);
    }

    /**
     * Whether {@code route} keeps its answers in this process (Caffeine): a lookup or a put that cannot block, unlike
     * a shared store's round trip to its server.
     */
    boolean inProcess(String route) {
        return byRoute.get(route) instanceof MemoryStore;
    }

    /** Whether any route keeps its answers in this process ({@link #inProcess}). */
    boolean anyInProcess() {
        return anyInProcess;
    }

    @Nullable Entry get(String route, String key) {
        Store c = byRoute.get(route);
        return c == null ? null : c.get(key);
    }

    /** Keeps an answer, unless it is one never to repeat: a refusal (content filter) or a cut-off stream. */
    void put(String route, String key, Entry entry) {
        Store c = byRoute.get(route);
        if (c == null || !worthKeeping(entry)) {
            return;
        }
        c.put(key, entry);
    }

    private static boolean worthKeeping(Entry e) {
        if (e.response() != null) {
            return e.response().finishReason() != FinishReason.CONTENT_FILTER;
        }
        FinishReason reason = null;
        for (ChatEvent event : e.events()) {
            if (event instanceof ChatEvent.Finished f) {
                reason = f.reason();
            }
        }
        return reason != null && reason != FinishReason.CONTENT_FILTER;
    }

    /**
     * Appends the canonical form of a body read as a tree, as {@link CanonicalBody} writes it from the body's bytes:
     * the form for the bodies that one gives up on. Returns whether its top-level {@code temperature} is a number equal
     * to 0.
     */
    static boolean canonicalTree(JsonNode body, StringBuilder out) {
        canonical(body, true, out);
        JsonNode t = body.get("temperature");
        return t != null && t.isNumber() && t.decimalValue().signum() == 0;
    }

    /**
     * Writes {@code node} with sorted fields and numbers by value; at the top level, without the ignored fields.
     * A whole number is appended as it is (what its {@code BigDecimal} would print), a string without characters to
     * escape as it is (what Jackson's escaping would give), and fields are sorted in an array rather than a tree map.
     */
    private static void canonical(JsonNode node, boolean top, StringBuilder out) {
        if (node.isObject()) {
            @SuppressWarnings("unchecked")
            Map.Entry<String, JsonNode>[] fields = new Map.Entry[node.size()];
            int n = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getValue().isNull() || top && (IGNORED.contains(f.getKey()) || isDefault(f.getKey(), f.getValue()))) {
                    continue;
                }
                fields[n++] = f;
            }
            if (n > 1) {
                Arrays.sort(fields, 0, n, BY_NAME);
            }
            out.append('{');
            for (int i = 0; i < n; i++) {
                escaped(fields[i].getKey(), out);
                out.append(':');
                canonical(fields[i].getValue(), false, out);
                out.append(',');
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (JsonNode e : node) {
                canonical(e, false, out);
                out.append(',');
            }
            out.append(']');
        } else if (node.isIntegralNumber() && node.canConvertToLong()) {
            out.append(node.longValue());
        } else if (node.isNumber()) {
            out.append(node.decimalValue().stripTrailingZeros().toPlainString());
        } else if (node.isTextual()) {
            out.append('"');
            escaped(node.textValue(), out);
            out.append('"');
        } else {
            out.append(node.toString());
        }
    }

    private static final java.util.Comparator<Map.Entry<String, JsonNode>> BY_NAME = Map.Entry.comparingByKey();

    /** {@code text} as JSON escapes it inside quotes; most texts need no escape and are appended as they are. */
    static void escaped(String text, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                out.append(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(text));
                return;
            }
        }
        out.append(text);
    }

    /** Whether a top-level field is one that does not change the answer. */
    static boolean ignored(String field) {
        return IGNORED.contains(field);
    }

    /**
     * The canonical form of the number that is a top-level field's default ({@code "1"} for {@code n}), or null. A
     * number's canonical form is its {@code stripTrailingZeros().toPlainString()}, one text per value, so a value is
     * the default when its form is this text.
     */
    static @Nullable String defaultNumber(String field) {
        BigDecimal d = NUMERIC_DEFAULTS.get(field);
        return d == null ? null : d.toPlainString();
    }

    /** Whether {@code true} is a top-level field's default ({@code parallel_tool_calls}). */
    static boolean defaultsToTrue(String field) {
        return field.equals("parallel_tool_calls");
    }

    private static boolean isDefault(String field, JsonNode value) {
        BigDecimal d = NUMERIC_DEFAULTS.get(field);
        if (d != null && value.isNumber()) {
            return value.decimalValue().compareTo(d) == 0;
        }
        return field.equals("parallel_tool_calls") && value.isBoolean() && value.booleanValue();
    }

    /** A stream replaying cached events. */
    static final class Replay extends dev.switchboard.spi.AbstractChatStream {
        private final Iterator<ChatEvent> events;

        Replay(List<ChatEvent> events, String provider, @Nullable String model) {
            super(provider, model);
            this.events = new ArrayList<>(events).iterator();
        }

        @Override
        protected boolean fetch() {
            if (!events.hasNext()) {
                return false;
            }
            emit(events.next());
            return true;
        }

        @Override
        protected void release(boolean completed) {}
    }
}
