package dev.switchboard.api;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A model a provider offers.
 *
 * @param id            the name to put in a request
 * @param provider      the configured provider name
 * @param kind          what the model is for, as the provider says (chat, embedding, ...); empty if unknown
 * @param ownedBy       the organisation, when known
 * @param contextLength the context window in tokens, when known (0 = unknown)
 */
public record ModelInfo(String id, String provider, String kind, String ownedBy, int contextLength) {

    public ModelInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        kind = kind == null ? "" : kind;
        ownedBy = ownedBy == null ? "" : ownedBy;
    }

    public static ModelInfo of(String id, String provider) {
        return new ModelInfo(id, provider, "", "", 0);
    }

    public Optional<String> kindOptional() {
        return kind.isEmpty() ? Optional.empty() : Optional.of(kind);
    }

    public OptionalInt contextLengthOptional() {
        return contextLength > 0 ? OptionalInt.of(contextLength) : OptionalInt.empty();
    }
}
