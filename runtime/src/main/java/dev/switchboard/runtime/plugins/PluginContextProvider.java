package dev.switchboard.runtime.plugins;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.RateLimits;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A provider from a plugin folder, called with the plugin's class loader as the thread's context class loader (and
 * the caller's restored after), as libraries inside the plugin expect: ServiceLoader, JAXB, logging back ends and the
 * like look classes and resources up through it. Its streams are wrapped alike, so pulling events runs in the
 * plugin's context too.
 */
public final class PluginContextProvider implements LlmProvider {

    private final LlmProvider delegate;
    private final ClassLoader loader;

    /**
     * Creates a provider with its factory's class loader as the context class loader; a provider from a plugin
     * folder comes back wrapped, so that every call into it runs in that context too. Returns null when the factory
     * does.
     */
    public static LlmProvider create(ProviderFactory factory, ProviderSettings settings, ProviderContext context) {
        ClassLoader loader = factory.getClass().getClassLoader();
        if (!(loader instanceof PluginClassLoader)) {
            return factory.create(settings, context);
        }
        LlmProvider created = inContext(loader, () -> factory.create(settings, context));
        return created == null ? null : new PluginContextProvider(created, loader);
    }

    PluginContextProvider(LlmProvider delegate, ClassLoader loader) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    /** Runs {@code call} with {@code loader} as the context class loader, restoring the caller's after. */
    static <T> T inContext(ClassLoader loader, Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader caller = thread.getContextClassLoader();
        if (caller == loader) {
            return call.get();
        }
        thread.setContextClassLoader(loader);
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(caller);
        }
    }

    private void inContext(Runnable call) {
        inContext(loader, () -> {
            call.run();
            return null;
        });
    }

    /** The provider the plugin's factory made. */
    public LlmProvider delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return inContext(loader, delegate::name);
    }

    @Override
    public String type() {
        return inContext(loader, delegate::type);
    }

    @Override
    public Set<Capability> capabilities() {
        return inContext(loader, delegate::capabilities);
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        return inContext(loader, () -> delegate.chat(request));
    }

    /**
     * The plugin's call without waiting, started in the plugin's context; the steps it gives {@code blocking} run in
     * that context too. Its future's completion runs wherever the plugin completes it.
     */
    @Override
    public Optional<CompletableFuture<ChatResponse>> chatWithoutWaiting(ChatRequest request, Executor blocking) {
        Objects.requireNonNull(blocking, "blocking");
        Executor inPlugin = task -> blocking.execute(() -> inContext(task));
        return inContext(loader, () -> delegate.chatWithoutWaiting(request, inPlugin));
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        return new ContextStream(inContext(loader, () -> delegate.stream(request)));
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request) {
        return inContext(loader, () -> delegate.embed(request));
    }

    @Override
    public List<ModelInfo> listModels() {
        return inContext(loader, delegate::listModels);
    }

    @Override
    public boolean isModelAvailable(String model) {
        return inContext(loader, () -> delegate.isModelAvailable(model));
    }

    @Override
    public void close() {
        inContext(delegate::close);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }

    /** The plugin's stream, each pull in the plugin's context. */
    private final class ContextStream implements ChatStream {

        private final ChatStream stream;

        ContextStream(ChatStream stream) {
            this.stream = Objects.requireNonNull(stream, "stream");
        }

        @Override
        public boolean hasNext() {
            return inContext(loader, stream::hasNext);
        }

        @Override
        public ChatEvent next() {
            return inContext(loader, stream::next);
        }

        @Override
        public ChatResponse collect() {
            return inContext(loader, stream::collect);
        }

        @Override
        public String provider() {
            return inContext(loader, stream::provider);
        }

        @Override
        public RateLimits rateLimits() {
            return inContext(loader, stream::rateLimits);
        }

        @Override
        public List<Attempt> attempts() {
            return inContext(loader, stream::attempts);
        }

        @Override
        public void close() {
            inContext(stream::close);
        }
    }
}
