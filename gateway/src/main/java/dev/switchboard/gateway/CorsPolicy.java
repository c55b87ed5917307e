package dev.switchboard.gateway;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.switchboard.runtime.config.ConfigFields;
import dev.switchboard.runtime.config.ConfigProblems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * Which browser origins may call the gateway ({@code switchboard.gateway.cors}), and the CORS headers that say so.
 * Off unless {@code allowed-origins} lists an origin: then no answer carries a CORS header. A request from a listed
 * origin gets {@code Access-Control-Allow-Origin} (and the headers it may read, the {@code x-switchboard-*} ones
 * among them); its preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) is answered 204 without a
 * key, since browsers send none with it. A request from any other origin gets no CORS header, so its browser keeps
 * the answer from the page. {@code "*"} allows every origin, and only without credentials (browsers refuse that pair,
 * and it would hand every site the user's cookies). Immutable.
 *
 * @param origins          the allowed origins, lower-cased ({@code https://app.example.com}); empty: CORS is off
 * @param anyOrigin        {@code "*"} was listed
 * @param allowedHeaders   the request headers a preflight allows; empty: whichever the preflight asks for
 * @param exposedHeaders   the response headers the page may read
 * @param maxAge           how long a browser may keep a preflight's answer
 * @param allowCredentials whether requests may carry cookies or HTTP authentication
 */
public record CorsPolicy(Set<String> origins, boolean anyOrigin, List<String> allowedHeaders, List<String> exposedHeaders,
                  Duration maxAge, boolean allowCredentials) {

    static final String KEY = "cors";
    static final Set<String> KEYS = Set.of("allowed-origins", "allowed-headers", "exposed-headers", "max-age",
            "allow-credentials");
    /**
     * The headers a page may read by default: what the gateway says about an answer, the request id its log lines
     * and dashboard name, and when to retry.
     */
    static final List<String> DEFAULT_EXPOSED = List.of("x-switchboard-provider", "x-switchboard-attempts",
            "x-switchboard-overhead-ms", "x-switchboard-cost-usd", "x-switchboard-cache", "x-switchboard-estimated",
            "x-switchboard-usage", "x-request-id", "retry-after", "x-should-retry");
    static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);
    static final CorsPolicy OFF = new CorsPolicy(Set.of(), false, List.of(), DEFAULT_EXPOSED, DEFAULT_MAX_AGE, false);

    private static final String METHODS = "GET, POST, OPTIONS";

    public CorsPolicy {
        origins = Set.copyOf(origins);
        allowedHeaders = List.copyOf(allowedHeaders);
        exposedHeaders = List.copyOf(exposedHeaders);
        if (anyOrigin && allowCredentials) {
            throw new IllegalArgumentException(GatewayConfig.PATH + ".cors: allowed-origins \"*\" cannot go with"
                    + " allow-credentials = true");
        }
    }

    /** Whether any origin is allowed: otherwise no answer carries a CORS header. */
    public boolean enabled() {
        return anyOrigin || !origins.isEmpty();
    }

    /** Whether a request from {@code origin} (its {@code Origin} header, or null) may read the answer. */
    boolean allows(String origin) {
        return origin != null && enabled() && (anyOrigin || origins.contains(origin.strip().toLowerCase(Locale.ROOT)));
    }

    /** The headers of an answer to a request from {@code origin}; none when it is not allowed. */
    Header[] answerHeaders(String origin) {
        if (!allows(origin)) {
            return Exchange.NO_HEADERS;
        }
        List<Header> h = new ArrayList<>(4);
        allowOrigin(h, origin);
        if (!exposedHeaders.isEmpty()) {
            h.add(new BasicHeader("Access-Control-Expose-Headers", String.join(", ", exposedHeaders)));
        }
        return h.toArray(Exchange.NO_HEADERS);
    }

    /**
     * The headers of a 204 answering a preflight from an allowed {@code origin} that asks to send
     * {@code requestedHeaders} (its {@code Access-Control-Request-Headers}, or null).
     */
    Header[] preflightHeaders(String origin, String requestedHeaders) {
        List<Header> h = new ArrayList<>(6);
        allowOrigin(h, origin);
        h.add(new BasicHeader("Access-Control-Allow-Methods", METHODS));
        String headers = allowedHeaders.isEmpty() ? requestedHeaders : String.join(", ", allowedHeaders);
        if (headers != null && !headers.isBlank()) {
            h.add(new BasicHeader("Access-Control-Allow-Headers", headers));
        }
        h.add(new BasicHeader("Access-Control-Max-Age", Long.toString(maxAge.toSeconds())));
        return h.toArray(Exchange.NO_HEADERS);
    }

    private void allowOrigin(List<Header> h, String origin) {
        if (anyOrigin && !allowCredentials) {
            h.add(new BasicHeader("Access-Control-Allow-Origin", "*"));
        } else {
            h.add(new BasicHeader("Access-Control-Allow-Origin", origin.strip()));
            h.add(new BasicHeader("Vary", "Origin")); // the answer differs by origin: caches must keep them apart
        }
        if (allowCredentials) {
            h.add(new BasicHeader("Access-Control-Allow-Credentials", "true"));
        }
    }

    /**
     * Reads {@code cors} from the {@code switchboard.gateway} block: unknown keys, values of the wrong type, origins
     * that are not {@code scheme://host[:port]}, and {@code "*"} with credentials are recorded as problems naming
     * the key and where it is written (the policy is then off).
     */
    static CorsPolicy read(ConfigFields gateway) {
        Optional<ConfigFields> block = gateway.block(KEY);
        if (block.isEmpty()) {
            return OFF;
        }
        ConfigFields cors = block.get();
        ConfigProblems problems = cors.problems();
        int before = problems.count();
        cors.onlyKnownKeys(KEYS, null);
        Set<String> origins = new LinkedHashSet<>();
        boolean any = false;
        ConfigValue anyAt = null;
        for (Item item : strings(cors, "allowed-origins")) {
            String o = item.text().strip().toLowerCase(Locale.ROOT);
            if (o.equals("*")) {
                any = true;
                anyAt = item.value();
            } else if (!o.matches("[a-z][a-z0-9+.-]*://[^/?#\\s]+")) {
                problems.add(item.value().origin(), item.path(), "'" + item.text() + "' is not an origin; write"
                        + " scheme://host[:port] as a browser sends it, e.g. \"https://app.example.com\", or \"*\"");
            } else {
                origins.add(withoutDefaultPort(o));
            }
        }
        List<String> allowed = new ArrayList<>();
        boolean anyHeader = !cors.written("allowed-headers"); // the reference's default is ["*"]
        for (Item item : strings(cors, "allowed-headers")) {
            if (item.text().strip().equals("*")) {
                anyHeader = true;
            } else {
                allowed.add(header(cors, item));
            }
        }
        if (!anyHeader && !allowed.contains("content-type")) {
            // every JSON POST from a page sends it and it is not CORS-safelisted: without it every call is blocked
            problems.add(cors.value("allowed-headers").map(ConfigValue::origin).orElse(cors.origin()),
                    cors.path("allowed-headers"), "must include content-type"
                    + " (every JSON request from a page sends it, so the browser would block every call), and the"
                    + " headers the page's SDK adds; or leave allowed-headers out to allow what the page asks for");
        }
        List<String> exposed = cors.written("exposed-headers") ? new ArrayList<>() : new ArrayList<>(DEFAULT_EXPOSED);
        for (Item item : strings(cors, "exposed-headers")) {
            exposed.add(header(cors, item));
        }
        Duration maxAge = cors.duration("max-age", true).orElse(DEFAULT_MAX_AGE);
        boolean credentials = cors.bool("allow-credentials").orElse(false);
        if (any && credentials) {
            problems.add(anyAt.origin(), cors.path("allowed-origins"), "\"*\" allows every origin and cannot go with"
                    + " allow-credentials = true (browsers refuse the pair, and it would let any site act with the"
                    + " user's credentials); list the origins instead, or set allow-credentials = false");
        }
        if (problems.count() > before) {
            return OFF;
        }
        return new CorsPolicy(origins, any, anyHeader ? List.of() : allowed, exposed, maxAge, credentials);
    }

    /**
     * The origin as a browser writes it: browsers leave a scheme's default port out of {@code Origin}, so
     * {@code https://app.example.com:443} would otherwise never match.
     */
    private static String withoutDefaultPort(String origin) {
        if (origin.startsWith("https://") && origin.endsWith(":443")) {
            return origin.substring(0, origin.length() - 4);
        }
        if (origin.startsWith("http://") && origin.endsWith(":80")) {
            return origin.substring(0, origin.length() - 3);
        }
        return origin;
    }

    /** One string of a list, with where it is written. */
    private record Item(String text, String path, ConfigValue value) {}

    private static List<Item> strings(ConfigFields cors, String key) {
        Optional<ConfigList> list = cors.list(key);
        List<Item> out = new ArrayList<>();
        if (list.isEmpty()) {
            return out;
        }
        for (int i = 0; i < list.get().size(); i++) {
            ConfigValue v = list.get().get(i);
            if (ConfigFields.isUnresolved(v)) {
                continue;
            }
            String path = cors.path(key) + "[" + i + "]";
            if (v.valueType() != ConfigValueType.STRING) {
                cors.problems().add(v.origin(), path, "must be a string, not " + ConfigFields.kind(v));
                continue;
            }
            if (((String) v.unwrapped()).isBlank()) {
                cors.problems().add(v.origin(), path, "is empty; remove it, or set the variable it reads");
                continue;
            }
            out.add(new Item((String) v.unwrapped(), path, v));
        }
        return out;
    }

    private static String header(ConfigFields cors, Item item) {
        String name = item.text().strip();
        if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            cors.problems().add(item.value().origin(), item.path(), "'" + name + "' is not a header name");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return enabled() ? "cors[" + (anyOrigin ? "*" : String.join(", ", origins)) + "]" : "cors[off]";
    }
}
