package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.runtime.UsageTotals;
import dev.switchboard.runtime.state.UsageGroup;
import dev.switchboard.runtime.state.UsageLog;
import dev.switchboard.runtime.state.UsageQuery;
import dev.switchboard.runtime.state.UsageRow;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /v1/usage?from=&to=&group-by=&key=}: the usage log's calls in {@code [from, to)}, added up per group.
 * {@code from} and {@code to} are instants ({@code 2026-12-05T10:00:00Z}) or UTC days ({@code 2026-12-05}, its
 * midnight); {@code group-by} is a comma-separated list of {@code key}, {@code route}, {@code provider},
 * {@code model}, {@code day}, {@code hour}; {@code key} keeps one key's calls. A group's totals are its answered
 * calls', as the ledger counts them; {@code unanswered_requests} counts its calls that ended without an answer (their
 * provider is empty). A plain key always sees its own calls only (a
 * {@code key} naming another is refused); an admin key may read any. Each problem is one 400 naming the parameter.
 */
final class UsageReport {

    static final Set<String> PARAMETERS = Set.of("from", "to", "group-by", "key");

    /** A parameter that cannot be read; the message names it and what it takes. */
    static final class BadParameter extends Exception {
        private static final long serialVersionUID = 1L;
        private final String parameter;

        BadParameter(String parameter, String message) {
            super(message, null, false, false);
            this.parameter = parameter;
        }

        ErrorReply reply() {
            return ErrorReply.invalidRequest(parameter, getMessage());
        }
    }

    private UsageReport() {}

    /** The query string's parameters, decoded; a repeated one keeps its last value. */
    static Map<String, String> parameters(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            out.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape is read as written, and refused by the checks below if it matters
        }
    }

    /**
     * The query {@code parameters} ask for.
     *
     * @param ownKey the asking key's name when it may see only its own calls; empty for an admin (or no keys)
     */
    static UsageQuery read(Map<String, String> parameters, Optional<String> ownKey) throws BadParameter {
        for (String name : parameters.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw new BadParameter(name, "Unknown parameter '" + name + "' for /v1/usage; it takes from, to,"
                        + " group-by and key.");
            }
        }
        Optional<Instant> from = instant(parameters, "from");
        Optional<Instant> to = instant(parameters, "to");
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new BadParameter("to", "to (" + to.get() + ") must be after from (" + from.get() + ").");
        }
        List<UsageGroup> groupBy = new ArrayList<>();
        String groups = parameters.getOrDefault("group-by", "");
        if (!groups.isBlank()) {
            for (String label : groups.split(",")) {
                UsageGroup g = UsageGroup.of(label.strip()).orElseThrow(() -> new BadParameter("group-by",
                        "group-by takes key, route, provider, model, day and hour, comma-separated; '" + label.strip()
                                + "' is none of them."));
                if (groupBy.contains(g)) {
                    throw new BadParameter("group-by", "group-by names '" + g.label() + "' twice.");
                }
                groupBy.add(g);
            }
        }
        Optional<String> key = Optional.ofNullable(parameters.get("key")).filter(k -> !k.isEmpty());
        if (ownKey.isPresent()) {
            if (key.isPresent() && !key.get().equals(ownKey.get())) {
                throw new BadParameter("key", "This key may read its own usage only; an admin key reads any key's.");
            }
            key = ownKey;
        }
        return new UsageQuery(from, to, groupBy, key);
    }

    private static Optional<Instant> instant(Map<String, String> parameters, String name) throws BadParameter {
        String v = parameters.get(name);
        if (v == null || v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(v));
        } catch (DateTimeParseException e) {
            throw new BadParameter(name, name + " must be an instant such as 2026-12-05T10:00:00Z or a UTC day such as"
                    + " 2026-12-05, was '" + v + "'.");
        }
    }

    /** The answer: the query echoed, then one object per group with its fields and totals. */
    static byte[] answer(UsageLog log, UsageQuery query) {
        List<UsageRow> rows = log.query(query);
        return JsonBodies.json(g -> {
            g.writeStartObject();
            g.writeStringField("object", "usage.report");
            if (query.from().isPresent()) {
                g.writeStringField("from", query.from().get().toString());
            }
            if (query.to().isPresent()) {
                g.writeStringField("to", query.to().get().toString());
            }
            if (query.key().isPresent()) {
                g.writeStringField("key", query.key().get());
            }
            g.writeArrayFieldStart("group_by");
            for (UsageGroup group : query.groupBy()) {
                g.writeString(group.label());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("data");
            for (UsageRow row : rows) {
                g.writeStartObject();
                for (Map.Entry<UsageGroup, String> e : row.group().entrySet()) {
                    g.writeStringField(e.getKey().label(), e.getValue());
                }
                writeTotalsFields(g, row.totals());
                // calls that ended without an answer (refused, skipped, failed before any content): not in the totals
                g.writeNumberField("unanswered_requests", row.unanswered());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void writeTotalsFields(JsonGenerator g, UsageTotals t) throws IOException {
        g.writeNumberField("requests", t.requests());
        g.writeNumberField("input_tokens", t.inputTokens());
        g.writeNumberField("cached_input_tokens", t.cachedInputTokens());
        g.writeNumberField("output_tokens", t.outputTokens());
        g.writeNumberField("total_tokens", t.totalTokens());
        g.writeFieldName("cost_usd");
        g.writeNumber(t.costUsd().signum() == 0 ? "0" : t.costUsd().stripTrailingZeros().toPlainString());
        g.writeNumberField("unpriced_requests", t.unpricedRequests());
        g.writeNumberField("estimated_requests", t.estimatedRequests());
    }
}
