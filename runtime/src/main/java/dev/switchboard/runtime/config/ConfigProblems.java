package dev.switchboard.runtime.config;

import dev.switchboard.runtime.SwitchboardConfigException;
import com.typesafe.config.ConfigOrigin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects every problem found in a configuration, each as one line {@code <file>:<line>: <key.path>: <what to fix>},
 * so a user sees all of them at once rather than one per start. Not thread-safe.
 */
public final class ConfigProblems {

    /** The {@code ": 12"} or {@code ": 12-14"} Typesafe appends to an origin description. */
    private static final Pattern TRAILING_LINE = Pattern.compile(":\\s*\\d+(-\\d+)?$");
    private static final Pattern LINE_BREAKS = Pattern.compile("\\s*[\\r\\n]+\\s*");

    private record Problem(String source, int line, int order, String text) {}

    private final List<Problem> problems = new ArrayList<>();

    public ConfigProblems() {}

    /** A problem with the value at {@code path} (a full key path such as {@code switchboard.providers.x.model}). */
    public void add(ConfigOrigin origin, String path, String message) {
        add(origin, path + ": " + message);
    }

    /** A problem that belongs to no key, such as a syntax error. */
    public void add(ConfigOrigin origin, String message) {
        String source = source(origin);
        int line = origin == null ? -1 : origin.lineNumber();
        String location = line >= 0 ? source + ":" + line : source;
        problems.add(new Problem(source, line, problems.size(), location + ": " + singleLine(message)));
    }

    /** A problem with a location that is not a config origin (a file that cannot be read). */
    void addAt(String location, String message) {
        problems.add(new Problem(location, -1, problems.size(), location + ": " + singleLine(message)));
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /** How many problems were recorded so far (to tell whether one block added any). */
    public int count() {
        return problems.size();
    }

    /** The problems ordered by file and line, duplicates dropped. */
    public List<String> lines() {
        return problems.stream()
                .sorted(Comparator.comparing(Problem::source).thenComparingInt(Problem::line)
                        .thenComparingInt(Problem::order))
                .map(Problem::text)
                .distinct()
                .toList();
    }

    /** Throws every problem recorded so far, if there is one. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new SwitchboardConfigException(lines());
        }
    }

    public static String singleLine(String text) {
        return text == null ? "" : LINE_BREAKS.matcher(text.strip()).replaceAll(" ");
    }

    /** The file (or resource URL, or description) an origin names, without its line number. */
    static String source(ConfigOrigin origin) {
        if (origin == null) {
            return "(unknown origin)";
        }
        if (origin.filename() != null) {
            return origin.filename();
        }
        if (origin.url() != null) {
            return origin.url().toString();
        }
        return TRAILING_LINE.matcher(origin.description()).replaceFirst("");
    }
}
