package dev.switchboard.api;

import dev.switchboard.spi.SecretRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * Every failure of a provider or a route. {@link #kind()} is what a router decides on; the message is one line
 * that names the provider and the HTTP status where there was one, and never contains a secret: besides what the
 * caller redacted, the message, code and details are masked with {@link SecretRegistry#global()} when built.
 *
 * <p>A failure of a route carries the route's {@link #attempts() attempt trail}: every try, retry and skip that led
 * to it. A caller catches this one type and reads the trail whichever way the route failed (every target failed,
 * or one rejected the request); a single provider's own failure has an empty trail.
 */
public class LlmException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String provider;
    private final int status;
    private final @Nullable Duration retryAfter;
    private final @Nullable String code;
    private final List<String> details;
    private final @Nullable Boolean retryable;
    private final transient @Nullable List<Attempt> attempts;

    protected LlmException(Builder b) {
        super(b.message(), b.cause);
        this.kind = b.kind;
        this.provider = b.provider;
        this.status = b.status;
        this.retryAfter = b.retryAfter;
        this.code = SecretRegistry.global().mask(b.code);
        this.details = b.details.stream().map(d -> SecretRegistry.global().mask(String.valueOf(d))).toList();
        this.retryable = b.retryable;
        this.attempts = b.attempts;
    }

    public static Builder builder(ErrorKind kind, String provider) {
        return new Builder(kind, provider);
    }

    /** A feature the provider does not offer; raised before anything is sent. */
    public static LlmException unsupported(String provider, String what) {
        return builder(ErrorKind.UNSUPPORTED, provider).message(what + " is not supported").build();
    }

    public static LlmException invalidRequest(String provider, String what) {
        return builder(ErrorKind.INVALID_REQUEST, provider).message(what).build();
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The configured name of the provider (or route) that failed. */
    public String provider() {
        return provider;
    }

    /** The HTTP status, if the failure came with one. */
    public OptionalInt status() {
        return status > 0 ? OptionalInt.of(status) : OptionalInt.empty();
    }

    /** How long the provider asked us to wait before trying again, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The provider's own error code or type, e.g. {@code insufficient_quota}; empty if none. */
    public Optional<String> code() {
        return Optional.ofNullable(code);
    }

    /**
     * Whether the same provider may succeed on a new try: the kind's answer, unless the provider said otherwise
     * (OpenAI's {@code x-should-retry}).
     */
    public boolean isRetryable() {
        return retryable != null ? retryable : kind.isRetryable();
    }

    /** Extra facts, e.g. the content-filter categories that fired. */
    public List<String> details() {
        return details;
    }

    /**
     * The route's attempt trail that ended in this failure, in order: every try, retry and skip (see
     * {@link Attempt#outcome()}). Empty for the failure of a single provider called directly.
     */
    public List<Attempt> attempts() {
        return attempts == null ? List.of() : attempts; // null only after deserialisation
    }

    /** Builds an {@link LlmException}; the message is composed as {@code provider: HTTP status code: text}. */
    public static final class Builder {
        private final ErrorKind kind;
        private final String provider;
        private int status;
        private @Nullable Duration retryAfter;
        private @Nullable String code;
        private @Nullable String text;
        private @Nullable Throwable cause;
        private List<String> details = List.of();
        private @Nullable Boolean retryable;
        private List<Attempt> attempts = List.of();

        private Builder(ErrorKind kind, String provider) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.provider = Objects.requireNonNull(provider, "provider");
        }

        public Builder status(int status) { this.status = status; return this; }
        public Builder retryAfter(@Nullable Duration retryAfter) { this.retryAfter = retryAfter; return this; }
        public Builder code(@Nullable String code) { this.code = code == null || code.isBlank() ? null : code; return this; }
        /** The human part of the message; already redacted by the caller. Newlines are folded. */
        public Builder message(@Nullable String text) { this.text = text; return this; }
        public Builder cause(@Nullable Throwable cause) { this.cause = cause; return this; }
        public Builder details(List<String> details) { this.details = details; return this; }
        /** Overrides the kind's retryability; null keeps it. */
        public Builder retryable(@Nullable Boolean retryable) { this.retryable = retryable; return this; }
        /** The route's attempt trail (copied); empty by default. */
        public Builder attempts(List<Attempt> attempts) { this.attempts = List.copyOf(attempts); return this; }

        /** Each part is masked before it is folded and cut, so no part of a secret is left where a cut falls. */
        private String message() {
            SecretRegistry secrets = SecretRegistry.global();
            String code = secrets.mask(this.code);
            String text = secrets.mask(this.text);
            List<String> details = this.details.stream().map(d -> secrets.mask(String.valueOf(d))).toList();
            StringBuilder sb = new StringBuilder(provider).append(": ");
            if (status > 0) {
                sb.append("HTTP ").append(status).append(' ');
            }
            if (code != null) {
                sb.append(oneLine(code)).append(": ");
            }
            sb.append(text == null || text.isBlank() ? kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') : oneLine(text));
            if (!details.isEmpty()) {
                sb.append(" ").append(oneLine(details.toString()));
            }
            return sb.toString();
        }

        private static String oneLine(String s) {
            String folded = s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
            if (folded.length() <= 500) {
                return folded;
            }
            int cut = Character.isHighSurrogate(folded.charAt(499)) ? 499 : 500; // never half a character
            return folded.substring(0, cut) + "...";
        }

        public LlmException build() {
            return new LlmException(this);
        }
    }
}
