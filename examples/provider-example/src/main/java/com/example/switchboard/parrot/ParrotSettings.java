package com.example.switchboard.parrot;

import dev.switchboard.http.Urls;
import dev.switchboard.spi.ProviderSettings;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Parrot-specific part of a provider block, read once and checked: where the API is, the API version to ask for,
 * and the optional workspace. A bad value is an {@link IllegalArgumentException} naming the full key, which
 * Switchboard reports with the file and line of the user's block.
 */
record ParrotSettings(String baseUrl, String apiVersion, Optional<String> workspace) {

    static final String API_VERSION = "api-version";
    static final String WORKSPACE = "workspace";
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    static ParrotSettings of(ProviderSettings settings) {
        String baseUrl = settings.baseUrl()
                .orElseThrow(() -> new IllegalArgumentException(key(settings, "base-url") + " is not set"));
        String apiVersion = settings.options().string(API_VERSION).orElse("");
        if (!DATE.matcher(apiVersion).matches()) {
            throw new IllegalArgumentException(key(settings, API_VERSION) + " must be a date like 2025-06-01, was '"
                    + apiVersion + "'");
        }
        Optional<String> workspace = settings.options().string(WORKSPACE).map(String::strip);
        if (workspace.isPresent() && workspace.get().isEmpty()) {
            throw new IllegalArgumentException(key(settings, WORKSPACE) + " is empty: give a workspace name or remove the key");
        }
        return new ParrotSettings(Urls.trimTrailingSlash(baseUrl), apiVersion, workspace);
    }

    private static String key(ProviderSettings settings, String key) {
        return "switchboard.providers." + settings.name() + "." + key;
    }
}
