package dev.switchboard.runtime;

import java.util.Objects;

/**
 * A plugin that could not be loaded; discovery carries on with the others.
 *
 * @param source where it comes from: its jar when that could be found, else the discovery source's label
 * @param reason what went wrong, one line
 */
public record DiscoveryProblem(String source, String reason) {

    public DiscoveryProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return source + ": " + reason;
    }
}
