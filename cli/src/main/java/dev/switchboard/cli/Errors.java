package dev.switchboard.cli;

import dev.switchboard.api.LlmException;
import dev.switchboard.runtime.ProviderDiscoveryException;
import dev.switchboard.runtime.SwitchboardConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Turns a failure into its exit code and its lines on standard error: each one line, prefixed {@code switchboard: },
 * without secrets; the stack trace only with {@code --verbose}.
 */
final class Errors {

    static final String PREFIX = "switchboard: ";

    private Errors() {}

    /** The exit code for {@code e}. */
    static int exitCode(Throwable e) {
        if (e instanceof SwitchboardConfigException || e instanceof ProviderDiscoveryException
                || e instanceof UsageException || e instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.FAILURE;
    }

    /** Reports {@code e}, returning its exit code. */
    static int report(Throwable e, PrintWriter err, Redaction redaction, boolean verbose) {
        for (String line : lines(e)) {
            err.println(PREFIX + redaction.apply(oneLine(line)));
        }
        if (verbose) {
            err.print(redaction.apply(stackTrace(e)));
        }
        err.flush();
        return exitCode(e);
    }

    /** What to tell the user: every problem of a configuration, else the one message. */
    static List<String> lines(Throwable e) {
        if (e instanceof SwitchboardConfigException c) {
            return c.problems();
        }
        if (e instanceof ProviderDiscoveryException d) {
            return d.problems();
        }
        if (e instanceof LlmException || e instanceof UsageException || e instanceof IllegalArgumentException) {
            return List.of(String.valueOf(e.getMessage()));
        }
        if (e instanceof UncheckedIOException io) {
            return List.of(String.valueOf(io.getCause() == null ? io.getMessage() : io.getCause().getMessage()));
        }
        // Unexpected: name the exception, the message alone may say nothing (a NullPointerException's may be null).
        return List.of("unexpected " + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + " (run with --verbose for the stack trace)");
    }

    static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
