package dev.switchboard.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One try of one target within a call: which provider and model, how long it took, and the error if it failed.
 * {@code error} is a one-line, redacted description.
 */
public record Attempt(String provider, String model, Duration latency, ErrorKind errorKind, String error) {

    public Attempt {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(latency, "latency");
    }

    public static Attempt success(String provider, String model, Duration latency) {
        return new Attempt(provider, model, latency, null, null);
    }

    public static Attempt failure(String provider, String model, Duration latency, ErrorKind kind, String error) {
        return new Attempt(provider, model, latency, Objects.requireNonNull(kind, "kind"), error);
    }

    public boolean succeeded() {
        return errorKind == null;
    }

    public Optional<ErrorKind> errorKindOptional() {
        return Optional.ofNullable(errorKind);
    }

    @Override
    public String toString() {
        String what = succeeded() ? "ok" : errorKind + (error == null ? "" : " (" + error + ")");
        return provider + (model == null ? "" : "/" + model) + ": " + what + " in " + latency.toMillis() + " ms";
    }
}
