package dev.switchboard.cli;

import dev.switchboard.gateway.UsageReports;
import dev.switchboard.runtime.state.UsageLog;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code switchboard usage}: what {@code GET /v1/usage?from&to&group-by&key} answers an admin, read from the usage log
 * of the configured state backend on this machine ({@code embedded}: the data dir's database, read-only, so it works
 * beside a running gateway). A gateway elsewhere is asked with its endpoint instead.
 */
@Command(name = "usage",
        description = {"Print the usage log's report as a table: the calls that ended in [from, to), added up per"
                + " distinct value of the group-by fields (with --json, as GET /v1/usage?from&to&group-by&key answers"
                + " it). Reads the embedded state backend's data dir (switchboard.state.data-dir) read-only, also while"
                + " a gateway runs on it, or the PostgreSQL log of switchboard.usage-log.jdbc-url; for a gateway on"
                + " another machine, ask its GET /v1/usage."})
final class UsageCommand implements Callable<Integer> {

    @ParentCommand
    private SwitchboardCommand root;

    @Mixin
    private HelpOption help;

    @Option(names = "--from", paramLabel = "WHEN", description = "First instant (2026-12-05T10:00:00Z) or UTC day (2026-12-05).")
    private String from;

    @Option(names = "--to", paramLabel = "WHEN", description = "End, excluded: an instant or a UTC day.")
    private String to;

    @Option(names = "--group-by", paramLabel = "FIELDS", description = "Comma-separated: key, route, provider, model, day, hour.")
    private String groupBy;

    @Option(names = "--key", paramLabel = "NAME", description = "Only the calls made with this gateway key.")
    private String key;

    @Option(names = "--json", description = "Print GET /v1/usage's JSON instead of the table (for scripts).")
    private boolean json;

    @Override
    public Integer call() {
        Optional<UsageLog> log = root.builder().usageLog();
        if (log.isEmpty()) {
            // The variables only fill in what the config leaves unset, so the hint names the config keys first.
            throw new UsageException("switchboard usage reads a usage log and this configuration keeps none: set"
                    + " switchboard.usage-log.jdbc-url (or SWITCHBOARD_USAGE_LOG_JDBC_URL) to the PostgreSQL log the"
                    + " gateways write, or use switchboard.state.backend = embedded with its switchboard.state.data-dir"
                    + " (SWITCHBOARD_STATE_BACKEND and SWITCHBOARD_DATA_DIR count only where the config sets neither);"
                    + " or ask a gateway's GET /v1/usage");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        put(parameters, "from", from);
        put(parameters, "to", to);
        put(parameters, "group-by", groupBy);
        put(parameters, "key", key);
        byte[] report;
        try {
            report = UsageReports.report(log.get(), parameters);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + e.getMessage()); // each message starts with the parameter it names
        }
        if (json) {
            root.out().println(new String(report, StandardCharsets.UTF_8));
        } else {
            UsageTable.print(report, root.out());
        }
        root.out().flush();
        return ExitCodes.OK;
    }

    private static void put(Map<String, String> parameters, String name, String value) {
        if (value != null) {
            parameters.put(name, value);
        }
    }
}
