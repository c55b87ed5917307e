package dev.switchboard.runtime.routing;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a target group of a route picks the member that answers a request. */
public enum RouteStrategy {
    /** At random, in proportion to each member's {@code weight} (1 unless set). */
    WEIGHTED,
    /** The member with the fewest calls in flight from this route (ties broken at random). */
    LEAST_BUSY,
    /**
     * The member with the lowest exponentially weighted time to first token; now and then another one, so a member
     * that was slow is measured again and wins back its traffic once it is fast.
     */
    LATENCY;

    /** The name as written in config: {@code weighted}, {@code least-busy}, {@code latency}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Reads a strategy as written in config.
     *
     * @throws IllegalArgumentException naming the strategies there are
     */
    public static RouteStrategy parse(String text) {
        for (RouteStrategy s : values()) {
            if (s.configName().equals(text.strip())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown strategy '" + text + "'; use one of "
                + Arrays.stream(values()).map(RouteStrategy::configName).collect(Collectors.joining(", ")));
    }
}
