package dev.switchboard.runtime.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmProvider;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** A plugin's chat call without waiting starts, and runs its waiting steps, in the plugin's context. */
class PluginContextProviderWithoutWaitingTest {

    /** Notes the context class loader its call without waiting starts in and its blocking step runs in. */
    private static final class ContextNoting implements LlmProvider {
        final CompletableFuture<ChatResponse> answer = new CompletableFuture<>();
        ClassLoader startedIn;
        ClassLoader blockingStepIn;
        Executor blocking;

        @Override
        public String name() {
            return "plugin";
        }

        @Override
        public String type() {
            return "plugin";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.CHAT);
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ChatStream stream(ChatRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<CompletableFuture<ChatResponse>> chatWithoutWaiting(ChatRequest request, Executor blocking) {
            startedIn = Thread.currentThread().getContextClassLoader();
            this.blocking = blocking;
            return Optional.of(answer);
        }
    }

    @Test
    void startsAndWaitsInThePluginsContextAndRestoresTheCallers() throws Exception {
        ClassLoader caller = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader plugin = new URLClassLoader(new URL[0], null)) {
            ContextNoting delegate = new ContextNoting();
            List<Runnable> tasks = new ArrayList<>();

            Optional<CompletableFuture<ChatResponse>> f = new PluginContextProvider(delegate, plugin)
                    .chatWithoutWaiting(ChatRequest.of("Hi"), tasks::add);

            assertThat(f).containsSame(delegate.answer); // cancelling it cancels the plugin's call itself
            assertThat(delegate.startedIn).isSameAs(plugin);
            assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(caller);
            delegate.blocking.execute(() -> delegate.blockingStepIn = Thread.currentThread().getContextClassLoader());
            tasks.forEach(Runnable::run);
            assertThat(delegate.blockingStepIn).isSameAs(plugin);
            assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(caller);
        }
    }
}
