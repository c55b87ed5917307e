package dev.switchboard.runtime;

import java.util.List;

/**
 * A configuration Switchboard cannot start from. {@link #problems()} lists every problem found, each one line
 * {@code <file>:<line>: <key.path>: <what is wrong and how to fix it>}; the message is those lines joined with
 * line breaks.
 */
public final class SwitchboardConfigException extends RuntimeException {

    private final List<String> problems;

    public SwitchboardConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a config exception needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
