package dev.switchboard.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One step of a route's attempt trail: a try of one target (or a target given up without a try), which provider and
 * model, how long it took, its {@link Outcome} and, unless it succeeded, the error's kind and a one-line, redacted
 * description. Immutable and thread-safe.
 *
 * <p>Code that branches on what happened reads {@link #outcome()}, never the description's text. Attempts are made by
 * the runtime; like the responses that carry them they are built ({@link #builder}), not constructed, so they can
 * gain a part without breaking code that makes them (test doubles, other routers).
 */
public final class Attempt {

    /** What became of one step of a trail. */
    public enum Outcome {
        /** The target answered (for a stream: started answering). */
        ANSWERED,
        /** The target failed before answering; {@link #errorKind()} says how. */
        FAILED,
        /** The target's stream broke after content had reached the caller. */
        FAILED_MID_STREAM,
        /** The target continued an answer whose stream broke on an earlier target, in the same stream. */
        RESUMED,
        /** Not tried: the target was cooling down after failures. Nothing was sent. */
        SKIPPED_COOLDOWN,
        /** Not tried: Switchboard's own rate limit for the target's provider had no room. Nothing was sent. */
        SKIPPED_LOCAL_LIMIT,
        /** Not tried: the target's provider lacks what the call needs (e.g. embeddings). Nothing was sent. */
        SKIPPED_UNSUPPORTED,
        /**
         * Answered from a response cache: what the target answered to the same request earlier was given again.
         * Nothing was sent and the step cost nothing.
         */
        CACHED;

        /** Whether the target answered ({@link #ANSWERED}, {@link #RESUMED} or, earlier, {@link #CACHED}). */
        public boolean isSuccess() {
            return this == ANSWERED || this == RESUMED || this == CACHED;
        }

        /** Whether the target was given up without sending it anything. */
        public boolean isSkip() {
            return this == SKIPPED_COOLDOWN || this == SKIPPED_LOCAL_LIMIT || this == SKIPPED_UNSUPPORTED;
        }
    }

    private final String provider;
    private final Optional<String> model;
    private final Duration latency;
    private final Outcome outcome;
    private final Optional<ErrorKind> errorKind;
    private final Optional<String> error;

    private Attempt(Builder b) {
        if (b.outcome.isSuccess() != (b.errorKind == null)) {
            throw new IllegalArgumentException(b.outcome.isSuccess()
                    ? "an attempt with outcome " + b.outcome + " has no error kind"
                    : "an attempt with outcome " + b.outcome + " needs an error kind");
        }
        this.provider = b.provider;
        this.model = Optional.ofNullable(b.model);
        this.latency = b.latency;
        this.outcome = b.outcome;
        this.errorKind = Optional.ofNullable(b.errorKind);
        this.error = Optional.ofNullable(b.error);
    }

    /** A try of {@code provider} that answered, with the model used when the route named one. */
    public static Attempt answered(String provider, @Nullable String model, Duration latency) {
        return builder(provider, Outcome.ANSWERED).model(model).latency(latency).build();
    }

    /**
     * A step that did not answer.
     *
     * @param outcome anything but {@link Outcome#ANSWERED}, {@link Outcome#RESUMED} and {@link Outcome#CACHED}
     * @param kind    the failure's kind (for a skip, the kind of the failure the skip stands for)
     * @param error   its one-line, redacted description
     */
    public static Attempt failed(String provider, @Nullable String model, Duration latency, Outcome outcome,
            ErrorKind kind, @Nullable String error) {
        return builder(provider, outcome).model(model).latency(latency).errorKind(Objects.requireNonNull(kind, "kind"))
                .error(error).build();
    }

    /** A builder for a step of {@code provider} with {@code outcome}; the latency is zero until set. */
    public static Builder builder(String provider, Outcome outcome) {
        return new Builder(provider, outcome);
    }

    /** A builder holding this attempt's parts, to make a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(provider, outcome);
        b.model = model.orElse(null);
        b.latency = latency;
        b.errorKind = errorKind.orElse(null);
        b.error = error.orElse(null);
        return b;
    }

    /** The configured name of the target's provider. */
    public String provider() {
        return provider;
    }

    /** The model asked for, when the route or the request named one (otherwise the provider's default was used). */
    public Optional<String> model() {
        return model;
    }

    /** How long the try took (zero for a skip). */
    public Duration latency() {
        return latency;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Whether the target answered: {@code outcome().isSuccess()}. */
    public boolean succeeded() {
        return outcome.isSuccess();
    }

    /** The failure's kind; empty when the target answered. */
    public Optional<ErrorKind> errorKind() {
        return errorKind;
    }

    /** A one-line, redacted description of the failure, for people; empty when the target answered. */
    public Optional<String> error() {
        return error;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attempt a && provider.equals(a.provider) && model.equals(a.model)
                && latency.equals(a.latency) && outcome == a.outcome && errorKind.equals(a.errorKind)
                && error.equals(a.error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(provider, model, latency, outcome, errorKind, error);
    }

    /** E.g. {@code openai/gpt-4o: FAILED RATE_LIMIT (HTTP 429 ...) in 12 ms}. */
    @Override
    public String toString() {
        String what = outcome + errorKind.map(k -> " " + k).orElse("") + error.map(e -> " (" + e + ")").orElse("");
        return provider + model.map(m -> "/" + m).orElse("") + ": " + what + " in " + latency.toMillis() + " ms";
    }

    /**
     * Builds an {@link Attempt}. The error kind is required for every outcome but {@link Outcome#ANSWERED},
     * {@link Outcome#RESUMED} and {@link Outcome#CACHED}, and refused for those. Not thread-safe.
     */
    public static final class Builder {
        private final String provider;
        private Outcome outcome;
        private @Nullable String model;
        private Duration latency = Duration.ZERO;
        private @Nullable ErrorKind errorKind;
        private @Nullable String error;

        private Builder(String provider, Outcome outcome) {
            this.provider = Objects.requireNonNull(provider, "provider");
            this.outcome = Objects.requireNonNull(outcome, "outcome");
        }

        public Builder outcome(Outcome outcome) {
            this.outcome = Objects.requireNonNull(outcome, "outcome");
            return this;
        }

        /** The model asked for; null: the provider's default. */
        public Builder model(@Nullable String model) {
            this.model = model;
            return this;
        }

        /** How long the try took; zero by default. */
        public Builder latency(Duration latency) {
            this.latency = Objects.requireNonNull(latency, "latency");
            return this;
        }

        public Builder errorKind(@Nullable ErrorKind errorKind) {
            this.errorKind = errorKind;
            return this;
        }

        /** A one-line, redacted description of the failure; null or empty: none. */
        public Builder error(@Nullable String error) {
            this.error = error == null || error.isEmpty() ? null : error;
            return this;
        }

        /** @throws IllegalArgumentException when the error kind does not fit the outcome */
        public Attempt build() {
            return new Attempt(this);
        }
    }
}
