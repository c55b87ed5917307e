package dev.switchboard.api;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A model a provider offers. Immutable and thread-safe.
 *
 * <p>Built with {@link #of} or {@link #builder}, not constructed, so that it can gain a part (a price, a capability)
 * without breaking the plugins that list models.
 */
public final class ModelInfo {

    private final String id;
    private final String provider;
    private final Optional<String> kind;
    private final Optional<String> ownedBy;
    private final OptionalInt contextLength;

    private ModelInfo(Builder b) {
        this.id = b.id;
        this.provider = b.provider;
        this.kind = b.kind;
        this.ownedBy = b.ownedBy;
        this.contextLength = b.contextLength;
    }

    /** A model known only by its id. */
    public static ModelInfo of(String id, String provider) {
        return builder(id, provider).build();
    }

    /**
     * @param id       the name to put in a request
     * @param provider the configured provider name
     */
    public static Builder builder(String id, String provider) {
        return new Builder(id, provider);
    }

    /** The name to put in a request. */
    public String id() {
        return id;
    }

    /** The configured provider name. */
    public String provider() {
        return provider;
    }

    /** What the model is for, as the provider says (chat, embedding, ...), when it says. */
    public Optional<String> kind() {
        return kind;
    }

    /** The organisation that owns the model, when known. */
    public Optional<String> ownedBy() {
        return ownedBy;
    }

    /** The context window in tokens, when known. */
    public OptionalInt contextLength() {
        return contextLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInfo m && id.equals(m.id) && provider.equals(m.provider) && kind.equals(m.kind)
                && ownedBy.equals(m.ownedBy) && contextLength.equals(m.contextLength);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, provider, kind, ownedBy, contextLength);
    }

    @Override
    public String toString() {
        return "ModelInfo[id=" + id + ", provider=" + provider + kind.map(k -> ", kind=" + k).orElse("")
                + ownedBy.map(k -> ", ownedBy=" + k).orElse("")
                + (contextLength.isPresent() ? ", contextLength=" + contextLength.getAsInt() : "") + "]";
    }

    /** Builds a {@link ModelInfo}; what is not set is unknown. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private final String provider;
        private Optional<String> kind = Optional.empty();
        private Optional<String> ownedBy = Optional.empty();
        private OptionalInt contextLength = OptionalInt.empty();

        private Builder(String id, String provider) {
            this.id = Objects.requireNonNull(id, "id");
            this.provider = Objects.requireNonNull(provider, "provider");
        }

        /** What the model is for; null or blank: unknown. */
        public Builder kind(@Nullable String kind) {
            this.kind = present(kind);
            return this;
        }

        /** The owning organisation; null or blank: unknown. */
        public Builder ownedBy(@Nullable String ownedBy) {
            this.ownedBy = present(ownedBy);
            return this;
        }

        /** The context window in tokens; zero or less: unknown (what providers send when they do not know). */
        public Builder contextLength(long tokens) {
            this.contextLength = tokens > 0 ? OptionalInt.of((int) Math.min(Integer.MAX_VALUE, tokens)) : OptionalInt.empty();
            return this;
        }

        private static Optional<String> present(@Nullable String s) {
            return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
        }

        public ModelInfo build() {
            return new ModelInfo(this);
        }
    }
}
