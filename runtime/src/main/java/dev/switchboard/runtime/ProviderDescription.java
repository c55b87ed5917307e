package dev.switchboard.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * A configured provider as a listing shows it: never its key, only whether it has one.
 *
 * @param name        the configured name
 * @param type        the provider type
 * @param baseUrl     the API root: {@code base-url}, else the block's {@code endpoint} (types such as
 *                    {@code azure-openai} name their root so); empty when neither is set
 * @param keyExpected whether the type reads a key ({@code api-key-env} is set, or {@code api-key} is)
 * @param keySet      whether a key was found, in config or in the variable {@code api-key-env} names
 * @param keyHint     where to set the key, e.g. {@code set OPENAI_API_KEY or switchboard.providers.openai.api-key}
 */
public record ProviderDescription(String name, String type, Optional<String> baseUrl, boolean keyExpected,
                                  boolean keySet, String keyHint) {

    public ProviderDescription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(keyHint, "keyHint");
    }
}
