package com.example.switchboard.compat;

import com.typesafe.config.ConfigException;
import dev.switchboard.api.Capability;
import dev.switchboard.openai.BasicOpenAiAdapter;
import dev.switchboard.spi.ProviderSettings;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * An OpenAI-style service at a base URL the user gives. It needs a key only when one is configured (local servers
 * take none), and offers what {@code capabilities} lists.
 */
final class CompatibleAdapter extends BasicOpenAiAdapter {

    private final boolean requiresApiKey;
    private final Set<Capability> capabilities;

    CompatibleAdapter(ProviderSettings settings) {
        super(settings, settings.baseUrl().orElseThrow(() -> new IllegalArgumentException(key(settings, "base-url")
                + " is not set: give the service's API root, e.g. http://localhost:8000/v1")));
        this.requiresApiKey = settings.apiKey().isPresent() || settings.apiKeyEnv().isPresent();
        this.capabilities = capabilities(settings);
    }

    @Override
    public boolean requiresApiKey() {
        return requiresApiKey;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    /** Reads {@code capabilities}; a bad value is an {@link IllegalArgumentException} naming the key, as the SPI asks. */
    private static Set<Capability> capabilities(ProviderSettings settings) {
        Set<Capability> all = EnumSet.noneOf(Capability.class);
        try {
            for (String name : settings.config().getStringList("capabilities")) {
                all.add(Capability.valueOf(name.strip().toUpperCase(Locale.ROOT).replace('-', '_')));
            }
        } catch (ConfigException | IllegalArgumentException e) {
            throw new IllegalArgumentException(key(settings, "capabilities") + " must list some of chat, streaming, "
                    + "tools, vision, json-output, json-schema-output, embeddings, model-listing: " + e.getMessage(), e);
        }
        if (!all.contains(Capability.CHAT)) {
            throw new IllegalArgumentException(key(settings, "capabilities") + " must include chat");
        }
        return all;
    }

    private static String key(ProviderSettings settings, String key) {
        return "switchboard.providers." + settings.name() + "." + key;
    }
}
