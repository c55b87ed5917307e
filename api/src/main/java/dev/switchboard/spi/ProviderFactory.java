package dev.switchboard.spi;

import dev.switchboard.api.LlmProvider;
import java.util.Set;

/**
 * The service a provider jar registers ({@code META-INF/services/dev.switchboard.spi.ProviderFactory} and
 * {@code provides ... with ...} in its {@code module-info.java}). Must have a public no-argument constructor and be
 * cheap to instantiate: discovery creates every factory on the class path.
 */
public interface ProviderFactory {

    /** The type name users write in config as {@code type = ...}; lower case, unique among installed providers. */
    String type();

    /** Creates a provider from checked settings. Throw {@link IllegalArgumentException} naming the key for bad values. */
    LlmProvider create(ProviderSettings settings, ProviderContext context);

    /**
     * The keys of a provider block this type reads beyond the ones every provider has ({@code type}, {@code base-url},
     * {@code api-key}, {@code api-key-env}, {@code model}, {@code embedding-model}, {@code timeouts}, {@code headers},
     * {@code limits}) and beyond those its {@code reference.conf} sets under
     * {@code switchboard.provider-defaults.<type>}: keys without a default, e.g. Azure's {@code endpoint}. Any other key
     * in a block of this type is refused at start as a typo, with a "did you mean" hint.
     */
    default Set<String> settingKeys() {
        return Set.of();
    }

    /**
     * Config keys of this type whose values are secrets: masked when the config is shown, and registered in the
     * {@link SecretRegistry} so that they are masked in every message, reply and log record too. Credentials the
     * provider sends as headers through {@link dev.switchboard.http.HttpProviderClient} need not be named here.
     */
    default Set<String> sensitiveKeys() {
        return Set.of("api-key");
    }

    /** The version of the jar this factory comes from, if its manifest says. */
    default String version() {
        String v = getClass().getPackage() == null ? null : getClass().getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
