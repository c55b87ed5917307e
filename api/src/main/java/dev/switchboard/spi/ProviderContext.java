package dev.switchboard.spi;

import dev.switchboard.http.HttpTransport;
import java.time.Clock;
import java.util.Objects;

/**
 * What the runtime shares with every provider it creates: one pooled HTTP transport, the clock, and the registry of
 * secrets to mask in everything that leaves the process. The runtime owns the transport and closes it; a provider
 * must not. A provider built on {@link dev.switchboard.http.HttpProviderClient} has its key and credential headers
 * registered for it; one that sends other credentials registers them with {@link #secrets()}.
 */
public record ProviderContext(HttpTransport http, Clock clock, SecretRegistry secrets) {

    public ProviderContext {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(secrets, "secrets");
    }

    /** A context with the process-wide {@link SecretRegistry#global()}. */
    public ProviderContext(HttpTransport http, Clock clock) {
        this(http, clock, SecretRegistry.global());
    }

    public static ProviderContext of(HttpTransport http) {
        return new ProviderContext(http, Clock.systemUTC());
    }
}
