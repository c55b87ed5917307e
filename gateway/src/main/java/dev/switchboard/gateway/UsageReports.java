package dev.switchboard.gateway;

import dev.switchboard.runtime.state.UsageLog;
import java.util.Map;
import java.util.Optional;

/**
 * The answer of {@code GET /v1/usage?from&to&group-by&key} for callers outside the gateway ({@code switchboard
 * usage}), byte for byte what the endpoint sends an admin key.
 */
public final class UsageReports {

    private UsageReports() {}

    /**
     * The report {@code parameters} ({@code from}, {@code to}, {@code group-by}, {@code key}) ask of {@code log}.
     *
     * @throws IllegalArgumentException one line naming the parameter that cannot be read
     * @throws dev.switchboard.runtime.state.StateUnavailableException when the log cannot be read
     */
    public static byte[] report(UsageLog log, Map<String, String> parameters) {
        try {
            return UsageReport.answer(log, UsageReport.read(parameters, Optional.empty()));
        } catch (UsageReport.BadParameter e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}
