package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code switchboard usage}'s table: one line saying which calls it adds up, then one row per group (its fields,
 * then requests answered, calls unanswered, tokens and cost), and a total row under several groups. Read from the
 * report's JSON, so the table and {@code --json} cannot disagree.
 */
final class UsageTable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] FIGURES = {"requests", "unanswered_requests", "input_tokens", "cached_input_tokens",
            "output_tokens"};
    private static final String[] FIGURE_HEADERS = {"REQUESTS", "UNANSWERED", "INPUT TOKENS", "CACHED INPUT",
            "OUTPUT TOKENS", "COST USD"};

    private UsageTable() {}

    static void print(byte[] reportJson, PrintWriter out) {
        JsonNode report;
        try {
            report = JSON.readTree(reportJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the report is ours: it always reads
        }
        out.println(title(report));
        JsonNode data = report.path("data");
        if (data.isEmpty()) {
            out.println("no calls");
            return;
        }
        List<String> fields = new ArrayList<>();
        report.path("group_by").forEach(f -> fields.add(f.asText()));
        List<String> header = new ArrayList<>();
        fields.forEach(f -> header.add(f.toUpperCase(java.util.Locale.ROOT)));
        header.addAll(List.of(FIGURE_HEADERS));
        Table table = new Table(header.toArray(String[]::new));
        long[] sums = new long[FIGURES.length];
        BigDecimal cost = BigDecimal.ZERO;
        long unpriced = 0;
        for (JsonNode row : data) {
            List<String> cells = new ArrayList<>();
            fields.forEach(f -> cells.add(row.path(f).asText().isEmpty() ? "-" : row.path(f).asText()));
            for (int i = 0; i < FIGURES.length; i++) {
                sums[i] += row.path(FIGURES[i]).asLong();
                cells.add(Long.toString(row.path(FIGURES[i]).asLong()));
            }
            cost = cost.add(row.path("cost_usd").decimalValue());
            unpriced += row.path("unpriced_requests").asLong();
            cells.add(cost(row.path("cost_usd").decimalValue(), row.path("unpriced_requests").asLong()));
            table.row(cells.toArray(String[]::new));
        }
        if (data.size() > 1 && !fields.isEmpty()) {
            List<String> total = new ArrayList<>();
            total.add("total");
            for (int i = 1; i < fields.size(); i++) {
                total.add("");
            }
            for (long s : sums) {
                total.add(Long.toString(s));
            }
            total.add(cost(cost, unpriced));
            table.row(total.toArray(String[]::new));
        }
        table.print(out, "");
    }

    /** Which calls: the range, the key, the grouping. */
    private static String title(JsonNode report) {
        StringBuilder t = new StringBuilder("Calls that ended");
        String from = report.path("from").asText("");
        String to = report.path("to").asText("");
        if (from.isEmpty() && to.isEmpty()) {
            t.append(" at any time");
        }
        if (!from.isEmpty()) {
            t.append(" from ").append(from);
        }
        if (!to.isEmpty()) {
            t.append(" before ").append(to);
        }
        if (!report.path("key").asText("").isEmpty()) {
            t.append(", key ").append(report.path("key").asText());
        }
        List<String> by = new ArrayList<>();
        report.path("group_by").forEach(f -> by.add(f.asText()));
        t.append(by.isEmpty() ? ", all together" : ", by " + String.join(", ", by));
        return t.append(" (UNANSWERED: refused, skipped or failed before any content; not in the other figures)")
                .toString();
    }

    /** The cost, saying how many calls had no price (not in it). */
    private static String cost(BigDecimal usd, long unpriced) {
        String text = usd.signum() == 0 ? "0" : usd.stripTrailingZeros().toPlainString();
        return unpriced == 0 ? text : text + " (+" + unpriced + " unpriced)";
    }
}
