package dev.switchboard.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.runtime.ProviderManager;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.TargetState;
import dev.switchboard.runtime.routing.TargetGroup;
import dev.switchboard.runtime.routing.TargetStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code switchboard routes}: each route's chain as configured (single targets and groups with their strategy and
 * weights) and what is known of each member now. It reads the configuration and its state backend, so cooldowns
 * kept there (the embedded backend of the distribution, or a shared one) are shown as the gateways see them; the
 * in-flight counts and latencies that groups pick by are kept inside each gateway process and start empty here.
 */
@Command(name = "routes",
        description = {"Show each route's strategy and members (target groups with their weights), each member's "
                + "cooldown state from the configured state backend, and the calls in flight and time to first token "
                + "known to this process."})
final class RoutesCommand implements Callable<Integer> {

    /**
     * The embedded backend's database file in its data dir ({@code EmbeddedStateBackend.DATABASE}; that module is a
     * plugin the command line does not compile against, and RoutesCommandTest checks the two agree).
     */
    static final String EMBEDDED_DATABASE = "switchboard.db";

    @ParentCommand
    private SwitchboardCommand root;

    @Mixin
    private HelpOption help;

    @Option(names = "--json", description = "Print {\"routes\":[{\"name\",\"elements\":[{\"strategy\",\"members\":[...]}]}]} instead.")
    private boolean json;

    @Override
    public Integer call() {
        try (Switchboard sb = root.open()) {
            if (json) {
                String source = stateSource(sb);
                JsonOutput.write(root.out(), true, j -> json(j.generator(), sb, source));
            } else {
                text(root.out(), sb);
            }
        }
        return ExitCodes.OK;
    }

    private static Map<String, TargetState> states(ProviderManager route) {
        Map<String, TargetState> byLabel = new HashMap<>();
        for (TargetState s : route.targetStates()) {
            byLabel.put(s.label(), s);
        }
        return byLabel;
    }

    /**
     * A member's cooldown state in the words of the table, of {@code --json} and of the gateway's {@code GET /ready}:
     * {@code ok}, {@code cooling down}, {@code probing}, or {@code unknown} when the store has nothing on it.
     */
    static String state(TargetState s) {
        if (s == null) {
            return "unknown";
        }
        return switch (s.state()) {
            case CLOSED -> "ok";
            case OPEN -> "cooling down";
            default -> "probing";
        };
    }

    /** The table's cell: the state, and until when a member cools down. */
    private static String stateCell(TargetState s) {
        return s != null && s.openUntil() != null && s.state() == dev.switchboard.runtime.CircuitState.OPEN
                ? state(s) + " until " + until(s) : state(s);
    }

    /** When a member's cooldown ends, to the millisecond (the store keeps nanoseconds nobody reads). */
    private static String until(TargetState s) {
        return s.openUntil().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
    }

    /** A member's weight as the table shows it: only a {@code weighted} group has weights; others show a dash. */
    private static String weightCell(TargetGroup g, TargetGroup.Member m) {
        return weighted(g) ? TargetGroup.formatWeight(m.weight()) : "-";
    }

    private static boolean weighted(TargetGroup g) {
        return g.isGroup() && g.strategy() == dev.switchboard.runtime.routing.RouteStrategy.WEIGHTED;
    }

    /**
     * Where the cooldown states were read, and a warning on stderr when an embedded data dir holds no state yet: a
     * command pointed at another directory than its gateway's (SWITCHBOARD_DATA_DIR unset, say) would otherwise show
     * every member {@code ok} with nothing to say it read nothing.
     */
    private String stateSource(Switchboard sb) {
        String key = "switchboard.state.data-dir";
        if (sb.state().backend().startsWith("embedded") && sb.config().hasPath(key)) {
            java.nio.file.Path dir = java.nio.file.Path.of(sb.config().getString(key)).toAbsolutePath().normalize();
            if (!java.nio.file.Files.exists(dir.resolve(EMBEDDED_DATABASE))) {
                root.err().println("switchboard: no state in " + dir + " yet (no " + EMBEDDED_DATABASE + "): every"
                        + " member shows ok; to see a gateway's cooldowns, use its data dir (SWITCHBOARD_DATA_DIR or"
                        + " switchboard.state.data-dir)");
                root.err().flush();
            }
        }
        return ServeCommand.stateLine(sb);
    }

    private static String latency(TargetStats stats) {
        return stats.samples() == 0 ? "-" : stats.latency().toMillis() + " ms";
    }

    private void text(PrintWriter out, Switchboard sb) {
        if (sb.routeNames().isEmpty()) {
            out.println("No routes configured: add a block switchboard.routes.<name> { targets = [...] }");
        }
        for (String name : sb.routeNames()) {
            ProviderManager route = sb.route(name);
            Map<String, TargetState> states = states(route);
            out.println(name + (name.equals(sb.defaultRouteName()) ? " (default)" : "") + ":");
            Table table = new Table("#", "STRATEGY", "MEMBER", "WEIGHT", "STATE", "IN FLIGHT", "FIRST TOKEN");
            int i = 1;
            for (TargetGroup g : route.elements()) {
                for (TargetGroup.Member m : g.members()) {
                    TargetStats stats = route.targetStats().get(m.target());
                    table.row(Integer.toString(i), g.isGroup() ? g.strategy().configName() : "single",
                            m.target().label(), weightCell(g, m),
                            stateCell(states.get(m.target().label())), Integer.toString(stats.inFlight()), latency(stats));
                }
                i++;
            }
            table.print(out, "  ");
        }
        out.println("State: " + stateSource(sb) + ". In flight and first token are this process's; a gateway keeps"
                + " its own (its /metrics: switchboard_target_in_flight, switchboard_target_first_token_seconds).");
        out.flush();
    }

    private static void json(JsonGenerator g, Switchboard sb, String stateSource) throws IOException {
        g.writeStartObject();
        g.writeStringField("state", stateSource);
        g.writeArrayFieldStart("routes");
        for (String name : sb.routeNames()) {
            ProviderManager route = sb.route(name);
            Map<String, TargetState> states = states(route);
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeBooleanField("default", name.equals(sb.defaultRouteName()));
            g.writeArrayFieldStart("elements");
            for (TargetGroup e : route.elements()) {
                g.writeStartObject();
                g.writeStringField("strategy", e.isGroup() ? e.strategy().configName() : "single");
                g.writeArrayFieldStart("members");
                for (TargetGroup.Member m : e.members()) {
                    TargetStats stats = route.targetStats().get(m.target());
                    TargetState s = states.get(m.target().label());
                    g.writeStartObject();
                    g.writeStringField("target", m.target().label());
                    if (!weighted(e)) {
                        // only a weighted group has weights, as the table's dash says
                    } else if (m.weight() == Math.rint(m.weight())) {
                        g.writeNumberField("weight", (long) m.weight()); // 3, not 3.0
                    } else {
                        g.writeNumberField("weight", m.weight());
                    }
                    g.writeStringField("state", state(s));
                    if (s != null && s.openUntil() != null) {
                        g.writeStringField("openUntil", until(s));
                    }
                    g.writeNumberField("inFlight", stats.inFlight());
                    if (stats.samples() > 0) {
                        g.writeNumberField("firstTokenMs", stats.latency().toMillis());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
