package dev.switchboard.runtime;

import java.util.List;

/**
 * Discovery found provider types it cannot choose between (one type installed twice). The message is the
 * {@link #problems()} joined with line breaks, each problem a single line naming both jars.
 */
public final class ProviderDiscoveryException extends RuntimeException {

    private final List<String> problems;

    public ProviderDiscoveryException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
