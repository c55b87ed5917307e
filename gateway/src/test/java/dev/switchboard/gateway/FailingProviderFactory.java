package dev.switchboard.gateway;

import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.AbstractChatStream;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Provider type {@code failing} (registered in this module's test {@code META-INF/services}): a provider whose
 * worker-side code fails the way a bug or an exhausted heap would, for the gateway's failure paths. Its block's
 * {@code fail} says how:
 * <ul>
 *   <li>{@code fatal} — a chat throws OutOfMemoryError; a stream sends two text deltas, then its next read throws
 *       OutOfMemoryError;</li>
 *   <li>{@code hang} — a stream sends two text deltas, then its next read blocks until the stream is closed
 *       (at most 30 s).</li>
 * </ul>
 * {@link #closedStreams()} counts the streams the gateway closed (released their "upstream").
 */
public final class FailingProviderFactory implements ProviderFactory {

    private static final java.util.concurrent.atomic.AtomicInteger CLOSED = new java.util.concurrent.atomic.AtomicInteger();

    static int closedStreams() {
        return CLOSED.get();
    }

    @Override
    public String type() {
        return "failing";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("fail");
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        String mode = settings.options().string("fail").orElse("fatal");
        return new LlmProvider() {
            @Override
            public String name() {
                return settings.name();
            }

            @Override
            public String type() {
                return "failing";
            }

            @Override
            public Set<Capability> capabilities() {
                return Set.of(Capability.CHAT, Capability.STREAMING);
            }

            @Override
            public ChatResponse chat(ChatRequest request) {
                throw new OutOfMemoryError("Java heap space (simulated by the failing test provider)");
            }

            @Override
            public ChatStream stream(ChatRequest request) {
                return new Failing(settings.name(), mode);
            }
        };
    }

    private static final class Failing extends AbstractChatStream {
        private final String mode;
        private final CountDownLatch closed = new CountDownLatch(1);
        private int fetches;

        Failing(String provider, String mode) {
            super(provider, "m");
            this.mode = mode;
        }

        @Override
        protected boolean fetch() {
            if (fetches++ == 0) {
                emit(new ChatEvent.Started("chatcmpl-failing", "m"));
                emit(new ChatEvent.TextDelta("Hello"));
                emit(new ChatEvent.TextDelta(" there"));
                return true;
            }
            if (mode.equals("hang")) {
                try {
                    closed.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw dev.switchboard.api.LlmException.builder(dev.switchboard.api.ErrorKind.STREAM_INTERRUPTED, "failing")
                        .message("the stream was closed").build();
            }
            throw new OutOfMemoryError("Java heap space (simulated by the failing test provider)");
        }

        @Override
        protected void release(boolean completed) {
            CLOSED.incrementAndGet();
            closed.countDown();
        }
    }
}
