package dev.switchboard.spi;

import dev.switchboard.http.HttpTransport;
import java.time.Clock;
import java.util.Objects;

/**
 * What the runtime shares with every provider it creates: one pooled HTTP transport and the clock. The runtime owns
 * both and closes the transport; a provider must not.
 */
public record ProviderContext(HttpTransport http, Clock clock) {

    public ProviderContext {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(clock, "clock");
    }

    public static ProviderContext of(HttpTransport http) {
        return new ProviderContext(http, Clock.systemUTC());
    }
}
