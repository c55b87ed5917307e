package dev.switchboard.cli;

import java.io.PrintWriter;
import java.util.Objects;
import picocli.CommandLine;

/**
 * Runs one {@code switchboard} command line against an environment and two writers, and returns the exit code:
 * {@value ExitCodes#OK} on success, {@value ExitCodes#FAILURE} when a provider or route failed,
 * {@value ExitCodes#USAGE} for a wrong command line or configuration. Used by {@link Main} and, in process, by tests.
 */
final class Cli {

    private final CliEnvironment environment;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Redaction redaction;

    Cli(CliEnvironment environment, PrintWriter out, PrintWriter err) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.redaction = new Redaction(environment.env());
    }

    int run(String... args) {
        SwitchboardCommand root = new SwitchboardCommand(environment, out, err, redaction);
        CommandLine commandLine = new CommandLine(root);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(this::usageError);
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> Errors.report(e, err, redaction, root.verbose()));
        commandLine.setExecutionStrategy(parsed -> {
            Logging.configure(root.verbose(), err, redaction);
            return new CommandLine.RunLast().execute(parsed);
        });
        try {
            return commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** A command line picocli cannot parse: one line naming the problem and where to find help. */
    private int usageError(CommandLine.ParameterException e, String[] args) {
        String message = Errors.oneLine(String.valueOf(e.getMessage()));
        if (message.startsWith("Error: ")) {
            message = message.substring("Error: ".length());
        }
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-") && !u.getCommandLine().getSubcommands().isEmpty()) {
            // A word where a command belongs: name the commands rather than an argument index.
            message = "unknown command '" + u.getUnmatched().get(0) + "'; the commands are "
                    + String.join(", ", u.getCommandLine().getSubcommands().keySet());
        }
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        err.println(Errors.PREFIX + redaction.apply(message) + " (see '" + command + " --help')");
        err.flush();
        return ExitCodes.USAGE;
    }
}
