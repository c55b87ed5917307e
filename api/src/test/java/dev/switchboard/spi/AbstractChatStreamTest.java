package dev.switchboard.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Usage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AbstractChatStreamTest {

    /**
     * A stream whose source is a script: each fetch emits the next batch of events, or throws the next failure; an
     * empty script is the end marker. Counts releases and fetches.
     */
    static final class ScriptedStream extends AbstractChatStream {
        private final Deque<Object> script;
        int releases;
        int fetches;

        ScriptedStream(Object... steps) {
            super("scripted", "requested-model");
            this.script = new ArrayDeque<>(List.of(steps));
        }

        @Override
        protected boolean fetch() {
            fetches++;
            Object step = script.poll();
            if (step == null) {
                return false;
            }
            if (step instanceof RuntimeException e) {
                throw e;
            }
            for (Object e : (List<?>) step) {
                emit((ChatEvent) e);
            }
            return true;
        }

        @Override
        protected void release(boolean completed) {
            releases++;
        }
    }

    private static List<ChatEvent> batch(ChatEvent... events) {
        return List.of(events);
    }

    private static final ChatEvent HELLO = new ChatEvent.TextDelta("Hello");
    private static final ChatEvent WORLD = new ChatEvent.TextDelta(" world");
    private static final ChatEvent DONE = new ChatEvent.Finished(FinishReason.STOP, "stop");
    private static final ChatEvent USAGE = new ChatEvent.UsageReport(Usage.of(5, 2));

    @Test
    void deliversEveryEventInOrderAndReleasesTheSourceAtTheEnd() {
        ScriptedStream stream = new ScriptedStream(batch(HELLO), batch(), batch(WORLD, DONE), batch(USAGE));
        List<ChatEvent> seen = new ArrayList<>();

        while (stream.hasNext()) {
            seen.add(stream.next());
        }

        assertThat(seen).containsExactly(HELLO, WORLD, DONE, USAGE);
        assertThat(stream.releases).isEqualTo(1);
        assertThatThrownBy(stream::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void collectsTheWholeAnswerAfterPartialIteration() {
        // given: the caller has already pulled the first event
        ScriptedStream stream = new ScriptedStream(batch(new ChatEvent.Started("id-1", "served-model"), HELLO),
                batch(WORLD), batch(DONE, USAGE));
        assertThat(stream.next()).isInstanceOf(ChatEvent.Started.class);
        assertThat(stream.next()).isEqualTo(HELLO);

        // when
        ChatResponse r = stream.collect();

        // then
        assertThat(r.text()).isEqualTo("Hello world");
        assertThat(r.id()).isEqualTo("id-1");
        assertThat(r.model()).isEqualTo("served-model");
        assertThat(r.usage()).isEqualTo(Usage.of(5, 2));
        assertThat(r.provider()).isEqualTo("scripted");
        assertThat(stream.releases).isEqualTo(1);
    }

    @Test
    void collectsWithTheRequestedModelWhenTheProviderNamesNone() {
        assertThat(new ScriptedStream(batch(HELLO)).collect().model()).isEqualTo("requested-model");
    }

    @Test
    void closeIsIdempotentAndReleasesOnce() {
        ScriptedStream stream = new ScriptedStream(batch(HELLO), batch(WORLD));
        stream.next();

        stream.close();
        stream.close();

        assertThat(stream.releases).isEqualTo(1);
        assertThat(stream.hasNext()).isFalse();
        assertThat(stream.fetches).isEqualTo(1);
        stream.collect();
        assertThat(stream.releases).isEqualTo(1);
    }

    @Test
    void closingMidwayThroughAFetchedBatchDropsTheRestOfIt() {
        // given: one fetch queued two events and the caller pulled only the first
        ScriptedStream stream = new ScriptedStream(batch(HELLO, USAGE), batch(WORLD));
        stream.next();

        // when
        stream.close();

        // then: the queued event is not delivered after close()
        assertThat(stream.hasNext()).isFalse();
        assertThatThrownBy(stream::next).isInstanceOf(NoSuchElementException.class);
        assertThat(stream.releases).isEqualTo(1);
    }

    @Test
    void theLastFetchesEventsAreDeliveredAfterTheSourceEnded() {
        // given: a source that ends right after queueing its last events (Ollama's final line, say)
        AbstractChatStream stream = new AbstractChatStream("scripted", "m") {
            private boolean done;

            @Override
            protected boolean fetch() {
                if (done) {
                    return false;
                }
                done = true;
                emit(HELLO);
                emit(DONE);
                return false;
            }

            @Override
            protected void release(boolean completed) {}
        };
        List<ChatEvent> seen = new ArrayList<>();

        // when
        stream.forEachRemaining(seen::add);

        // then
        assertThat(seen).containsExactly(HELLO, DONE);
    }

    @Test
    void releasesOnceWhenClosedAfterTheEnd() {
        ScriptedStream stream = new ScriptedStream(batch(HELLO));
        stream.collect();

        stream.close();

        assertThat(stream.releases).isEqualTo(1);
    }

    @Test
    void aFailingFetchReleasesTheSourceAndPropagates() {
        // given
        LlmException broken = LlmException.builder(ErrorKind.STREAM_INTERRUPTED, "scripted").message("connection lost").build();
        ScriptedStream stream = new ScriptedStream(batch(HELLO), broken, batch(WORLD));
        assertThat(stream.next()).isEqualTo(HELLO);

        // when
        LlmException thrown = catchThrowableOfType(LlmException.class, stream::hasNext);

        // then
        assertThat(thrown).isSameAs(broken);
        assertThat(stream.releases).isEqualTo(1);
        assertThat(stream.hasNext()).isFalse();
        assertThat(stream.fetches).isEqualTo(2);
        assertThat(stream.accumulated().text()).isEqualTo("Hello");
    }

    @Test
    void collectPropagatesAFailureAndReleasesOnce() {
        ScriptedStream stream = new ScriptedStream(batch(HELLO), new IllegalStateException("decoder bug"));

        assertThatThrownBy(stream::collect).isInstanceOf(IllegalStateException.class).hasMessage("decoder bug");

        assertThat(stream.releases).isEqualTo(1);
    }

    /** A source that blocks in fetch until released, then fails the way an aborted socket read does. */
    static final class BlockingStream extends AbstractChatStream {
        final CountDownLatch fetching = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final AtomicInteger releases = new AtomicInteger();

        BlockingStream() {
            super("blocking", "m");
        }

        @Override
        protected boolean fetch() {
            fetching.countDown();
            try {
                released.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw LlmException.builder(ErrorKind.STREAM_INTERRUPTED, "blocking").message("socket closed").build();
        }

        @Override
        protected void release(boolean completed) {
            releases.incrementAndGet();
            released.countDown();
        }
    }

    @Test
    void closingFromAnotherThreadEndsABlockedConsumerQuietlyAndReleasesOnce() throws Exception {
        // given: a consumer blocked waiting for the next event
        BlockingStream stream = new BlockingStream();
        CompletableFuture<Boolean> consumer = CompletableFuture.supplyAsync(stream::hasNext);
        assertThat(stream.fetching.await(5, TimeUnit.SECONDS)).isTrue();

        // when: another thread cancels the stream
        stream.close();

        // then: the consumer sees the end rather than an error it did not cause, and the source is released once
        assertThat(consumer.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(stream.releases.get()).isEqualTo(1);
    }

    @Test
    void hasNextDoesNotFetchAgainWhileEventsArePending() {
        ScriptedStream stream = new ScriptedStream(batch(HELLO, WORLD), batch(DONE));

        stream.hasNext();
        stream.hasNext();
        stream.next();
        stream.hasNext();

        assertThat(stream.fetches).isEqualTo(1);
    }
}
