package dev.switchboard.provider.azure;

import dev.switchboard.spi.ProviderOptions;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Secret;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** The Azure-specific keys of a provider block, read and checked once. */
record AzureSettings(String endpoint, String apiVersion, boolean v1, Map<String, String> deployments,
                     Optional<Secret> apiKey, Optional<Secret> entraToken) {

    static final String DEFAULT_API_VERSION = "2024-10-21";

    static AzureSettings of(ProviderSettings s) {
        ProviderOptions c = s.options();
        String prefix = "switchboard.providers." + s.name() + ".";
        String endpoint = c.string("endpoint").or(s::baseUrl).orElse(null);
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException(prefix + "endpoint is not set: give the resource URL, e.g. "
                    + "https://my-resource.openai.azure.com");
        }
        URI uri = URI.create(endpoint.strip());
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException(prefix + "endpoint must be an absolute URL, was " + endpoint);
        }
        String style = c.string("api-style").orElse("classic");
        if (!style.equals("classic") && !style.equals("v1")) {
            throw new IllegalArgumentException(prefix + "api-style must be classic or v1, was " + style);
        }
        Map<String, String> deployments = c.stringMap("deployments").orElse(Map.of());
        Optional<Secret> token = c.secret("entra-token");
        return new AzureSettings(endpoint.strip(), c.string("api-version").orElse(DEFAULT_API_VERSION),
                style.equals("v1"), deployments, s.apiKey(), token);
    }

    /** Whether {@link #apiVersion} is a GA version no later than {@code 2024-10-21} (dates compare as text). */
    boolean speaksGa20241021OrEarlier() {
        return !apiVersion.contains("preview") && apiVersion.compareTo(DEFAULT_API_VERSION) <= 0;
    }

    /** The deployment serving {@code model}: the configured mapping, else a deployment named like the model. */
    String deploymentFor(String model) {
        return URLEncoder.encode(deployments.getOrDefault(model, model), StandardCharsets.UTF_8);
    }
}
