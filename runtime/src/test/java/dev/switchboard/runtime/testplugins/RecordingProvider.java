package dev.switchboard.runtime.testplugins;

import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** A provider that keeps what it was created with and counts how often it was closed; it sends nothing. */
public final class RecordingProvider implements LlmProvider {

    private final ProviderSettings settings;
    private final ProviderContext context;
    private final AtomicInteger closes = new AtomicInteger();

    RecordingProvider(ProviderSettings settings, ProviderContext context) {
        this.settings = settings;
        this.context = context;
    }

    public ProviderSettings settings() {
        return settings;
    }

    public ProviderContext context() {
        return context;
    }

    public int closeCount() {
        return closes.get();
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String type() {
        return settings.type();
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.STREAMING);
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        throw new UnsupportedOperationException("a recording provider sends nothing");
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        throw new UnsupportedOperationException("a recording provider sends nothing");
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
