package com.example.switchboard.parrot;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;
import java.util.Set;

/**
 * Provider type {@code parrot}: the Parrot API. Registered in {@code META-INF/services} (class path) and in
 * {@code module-info.java} (module path). Discovery creates every factory it finds, so this class holds nothing and
 * does its work in {@link #create}.
 */
public final class ParrotProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "parrot";
    }

    /**
     * Keys of our own without a default in reference.conf. {@code api-version} has one there, so strict config
     * already knows it; {@code workspace} is optional and has none, so it must be named here or it would be refused
     * as a typo.
     */
    @Override
    public Set<String> settingKeys() {
        return Set.of(ParrotSettings.WORKSPACE);
    }

    /** Reads and checks every setting now, so a bad value fails at start with its key, not at the first request. */
    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new ParrotProvider(settings, ParrotSettings.of(settings), context);
    }
}
