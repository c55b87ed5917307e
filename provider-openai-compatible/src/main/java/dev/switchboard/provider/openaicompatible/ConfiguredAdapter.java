package dev.switchboard.provider.openaicompatible;

import dev.switchboard.api.Capability;
import dev.switchboard.http.Urls;
import dev.switchboard.openai.OpenAiCompatible;
import dev.switchboard.openai.OpenAiWire;
import dev.switchboard.spi.ProviderOptions;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Secret;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An OpenAI-compatible server described wholly by configuration: {@code base-url} (required), an optional key,
 * {@code capabilities}, {@code max-tokens-field} and {@code stream-usage}. A key is required only when one is
 * configured ({@code api-key}, or {@code api-key-env} naming a variable): a local server usually wants none, and then
 * requests go without an {@code Authorization} header.
 */
record ConfiguredAdapter(String baseUrl, Optional<Secret> apiKey, boolean requiresApiKey, Set<Capability> capabilities,
                         OpenAiWire.RequestOptions requestOptions) implements OpenAiCompatible {

    static final String DEFAULT_MAX_TOKENS_FIELD = "max_tokens";

    ConfiguredAdapter {
        capabilities = Set.copyOf(capabilities);
    }

    static ConfiguredAdapter of(ProviderSettings s) {
        String prefix = "switchboard.providers." + s.name() + ".";
        String baseUrl = s.baseUrl().filter(u -> !u.isBlank()).orElseThrow(() -> new IllegalArgumentException(prefix
                + "base-url is not set: give the server's OpenAI API root, e.g. http://localhost:8000/v1"));
        ProviderOptions c = s.options();
        Set<Capability> capabilities = c.stringList("capabilities")
                .map(names -> capabilities(prefix + "capabilities", names)).orElse(EnumSet.allOf(Capability.class));
        String maxTokensField = c.string("max-tokens-field").map(String::strip).orElse(DEFAULT_MAX_TOKENS_FIELD);
        if (maxTokensField.isEmpty()) {
            throw new IllegalArgumentException(prefix + "max-tokens-field is empty; use max_tokens or max_completion_tokens");
        }
        boolean streamUsage = c.bool("stream-usage").orElse(true);
        return new ConfiguredAdapter(Urls.trimTrailingSlash(baseUrl.strip()), s.apiKey(),
                s.apiKey().isPresent() || s.apiKeyEnv().isPresent(), capabilities,
                new OpenAiWire.RequestOptions(maxTokensField, streamUsage));
    }

    /** Reads the list, writing names in lower case with dashes ({@code json-schema-output}); underscores work too. */
    private static Set<Capability> capabilities(String key, List<String> names) {
        Set<Capability> out = EnumSet.noneOf(Capability.class);
        for (String name : names) {
            String constant = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            try {
                out.add(Capability.valueOf(constant));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": unknown capability '" + name + "'; known: " + known());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(key + " is empty; list at least chat, e.g. [chat, streaming]");
        }
        return out;
    }

    private static String known() {
        return Arrays.stream(Capability.values())
                .map(v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "ConfiguredAdapter[" + baseUrl + ", key " + (apiKey.isPresent() ? "set" : "none") + ", " + capabilities + "]";
    }
}
