package dev.switchboard.runtime;

import static dev.switchboard.runtime.Errors.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import dev.switchboard.api.AllTargetsFailedException;
import dev.switchboard.api.Capability;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Message;
import dev.switchboard.api.Role;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.ScriptedProvider.Step;
import dev.switchboard.spi.AbstractChatStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Mid-stream failover: what a route's stream does when its target fails after content reached the caller. */
@Timeout(10)
class StreamFailoverTest {

    private static final ChatEvent STARTED = new ChatEvent.Started("chatcmpl-first", "gpt-4o-mini");
    private static final LlmException CUT = error(ErrorKind.STREAM_INTERRUPTED, "openai");

    private final ManualClock clock = new ManualClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final ScriptedProvider openai = new ScriptedProvider("openai", clock);
    private final ScriptedProvider groq = new ScriptedProvider("groq", clock);
    private final ScriptedProvider together = new ScriptedProvider("together", clock);

    private ProviderManager.Builder builder() {
        return ProviderManager.builder(openai).fallback(groq).name("default").clock(clock).sleeper(sleeper)
                .random(() -> 0.5).retry(RetryPolicy.none()).cooldown(CooldownPolicy.disabled());
    }

    private static List<ChatEvent> drain(ChatStream s) {
        List<ChatEvent> events = new ArrayList<>();
        while (s.hasNext()) {
            events.add(s.next());
        }
        return events;
    }

    private static Step continuation(String text) {
        return Step.events(new ChatEvent.Started("chatcmpl-second", "llama-3.1-8b"), new ChatEvent.TextDelta(text),
                new ChatEvent.Finished(FinishReason.STOP, "stop"), new ChatEvent.UsageReport(Usage.of(12, 3)));
    }

    @Test
    void resumesWithTheNextTargetAsOneCoherentStream() {
        // given: openai breaks after "Hel"; groq can continue
        openai.then(Step.failAfter(CUT, STARTED, new ChatEvent.TextDelta("Hel")));
        groq.then(continuation("lo!"));

        // when
        ChatStream s = builder().build().stream(ChatRequest.of("Say hello"));
        List<ChatEvent> events = drain(s);

        // then: one answer, with the id and model it announced first
        assertThat(events).containsExactly(STARTED, new ChatEvent.TextDelta("Hel"), new ChatEvent.TextDelta("lo!"),
                new ChatEvent.Finished(FinishReason.STOP, "stop"), new ChatEvent.UsageReport(Usage.of(12, 3)));
        assertThat(s.provider()).isEqualTo("groq");
        assertThat(openai.streams().get(0).closed()).isTrue();
        assertThat(groq.streams().get(0).closed()).isTrue();
    }

    @Test
    void givesTheNextTargetTheDeliveredTextAsTheAssistantsPrefix() {
        openai.then(Step.failAfter(CUT, STARTED, new ChatEvent.TextDelta("Hel"), new ChatEvent.TextDelta("lo, wor")));
        groq.then(continuation("ld"));

        ChatResponse r = builder().build().stream(ChatRequest.builder().system("Be brief").user("Greet").build()).collect();

        assertThat(r.text()).isEqualTo("Hello, world");
        List<Message> sent = groq.requests().get(0).messages();
        assertThat(sent).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT);
        assertThat(sent.get(2).text()).isEqualTo("Hello, wor");
        assertThat(r.id()).isEqualTo("chatcmpl-first");
        assertThat(r.model()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void givesTheNextTargetOnlyTheLastResumePrefixCharsOfTheDeliveredText() {
        // given: openai delivered 3 x 1000 characters before failing; the route repeats at most 1500
        String a = "a".repeat(1000);
        String b = "b".repeat(1000);
        String c = "c".repeat(1000);
        openai.then(Step.failAfter(error(ErrorKind.SERVER, "openai"), STARTED, new ChatEvent.TextDelta(a),
                new ChatEvent.TextDelta(b), new ChatEvent.TextDelta(c)));
        groq.then(continuation("."));

        // when
        ChatResponse r = builder().resumePrefixChars(1500).build().stream(ChatRequest.of("Letters")).collect();

        // then: the caller has everything; the continuation request repeats only the tail
        assertThat(r.text()).isEqualTo(a + b + c + ".");
        List<Message> sent = groq.requests().get(0).messages();
        assertThat(sent).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT);
        assertThat(sent.get(1).text()).isEqualTo("b".repeat(500) + c);
    }

    @Test
    void boundsTheResumePrefixTo16000CharactersByDefault() {
        String delivered = "x".repeat(50_000);
        openai.then(Step.failAfter(CUT, STARTED, new ChatEvent.TextDelta(delivered)));
        groq.then(continuation("."));

        ChatResponse r = builder().build().stream(ChatRequest.of("Much")).collect();

        assertThat(r.text()).hasSize(50_001);
        assertThat(groq.requests().get(0).messages().get(1).text()).hasSize(16_000);
    }

    @Test
    void refusesAResumePrefixBoundUnderOne() {
        assertThatThrownBy(() -> builder().resumePrefixChars(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resume-prefix-chars must be at least 1");
    }

    @Test
    void theTrailShowsTheMidStreamFailureAndTheResumption() {
        openai.then(Step.failAfter(CUT, STARTED, new ChatEvent.TextDelta("Hel")));
        groq.then(continuation("lo"));

        ChatStream s = builder().build().stream(ChatRequest.of("Hi"));
        drain(s);

        assertThat(s.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null)).containsExactly(
                tuple("openai", null), tuple("openai", ErrorKind.STREAM_INTERRUPTED), tuple("groq", null));
        assertThat(s.attempts()).extracting(Attempt::outcome).containsExactly(
                Attempt.Outcome.ANSWERED, Attempt.Outcome.FAILED_MID_STREAM, Attempt.Outcome.RESUMED);
        assertThat(s.attempts().get(1).error().orElseThrow()).startsWith("mid-stream: ");
    }

    @Test
    void resumesOnlyWithTheTargetsAfterTheOneThatFailed() {
        // given: openai fails to open, groq answers and breaks, together continues
        openai.failing(ErrorKind.SERVER);
        groq.then(Step.failAfter(error(ErrorKind.TIMEOUT, "groq"), STARTED, new ChatEvent.TextDelta("Hel")));
        together.then(continuation("lo"));
        ProviderManager route = builder().fallback(together).build();

        // when
        ChatResponse r = route.stream(ChatRequest.of("Hi")).collect();

        // then
        assertThat(r.text()).isEqualTo("Hello");
        assertThat(openai.calls()).isEqualTo(1);
        assertThat(r.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null)).containsExactly(
                tuple("openai", ErrorKind.SERVER), tuple("groq", null), tuple("groq", ErrorKind.TIMEOUT),
                tuple("together", null));
        assertThat(r.attempts()).extracting(Attempt::outcome).containsExactly(Attempt.Outcome.FAILED,
                Attempt.Outcome.ANSWERED, Attempt.Outcome.FAILED_MID_STREAM, Attempt.Outcome.RESUMED);
    }

    @Test
    void theContinuationFallsBackAndRetriesLikeAnyCall() {
        openai.then(Step.failAfter(CUT, STARTED, new ChatEvent.TextDelta("Hel")));
        groq.then(Step.fail(error(ErrorKind.OVERLOADED, "groq")), continuation("lo"));
        ProviderManager route = builder().retry(new RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0))
                .build();

        ChatResponse r = route.stream(ChatRequest.of("Hi")).collect();

        assertThat(r.text()).isEqualTo("Hello");
        assertThat(groq.calls()).isEqualTo(2);
        assertThat(sleeper.waits()).hasSize(1);
    }

    @Test
    void whenEveryRemainingTargetFailsTheErrorNamesTheMidStreamFailureAndTheRest() {
        openai.then(Step.failAfter(CUT, STARTED, new ChatEvent.TextDelta("Hel")));
        groq.failing(ErrorKind.RATE_LIMIT);

        ChatStream s = builder().build().stream(ChatRequest.of("Hi"));
        s.next();
        s.next();
        AllTargetsFailedException e = catchThrowableOfType(AllTargetsFailedException.class, s::hasNext);

        assertThat(e.failures()).extracting(f -> f.target(), f -> f.error().kind()).containsExactly(
                tuple("openai", ErrorKind.STREAM_INTERRUPTED), tuple("groq", ErrorKind.RATE_LIMIT));
        assertThat(e.getMessage()).contains("openai (STREAM_INTERRUPTED", "groq (RATE_LIMIT");
        assertThat(e.attempts()).extracting(Attempt::provider).containsExactly("openai", "groq");
        assertThat(openai.streams().get(0).closed()).isTrue();
    }

    @Test
    void failModeEndsTheStreamWithTheError() {
        openai.then(Step.failAfter(CUT, STARTED, new ChatEvent.TextDelta("Hel")));
        groq.then(continuation("never"));

        ChatStream s = builder().streamFailover(StreamFailover.FAIL).build().stream(ChatRequest.of("Hi"));
        s.next();
        s.next();

        assertThatThrownBy(s::hasNext).isSameAs(CUT);
        assertThat(groq.calls()).isZero();
    }

    @Test
    void doesNotResumeAnAnswerThatHadStartedAToolCall() {
        openai.then(Step.failAfter(CUT, STARTED, new ChatEvent.ToolCallDelta(0, "call_1", "get_weather", "{\"ci")));
        groq.then(continuation("never"));

        ChatStream s = builder().build().stream(ChatRequest.of("Weather?"));
        s.next();
        s.next();

        assertThatThrownBy(s::hasNext).isSameAs(CUT);
        assertThat(groq.calls()).isZero();
    }

    @Test
    void doesNotResumeAnAnswerThatHadFinished() {
        openai.then(Step.failAfter(CUT, STARTED, new ChatEvent.TextDelta("Done."),
                new ChatEvent.Finished(FinishReason.STOP, "stop")));
        groq.then(continuation("never"));

        ChatStream s = builder().build().stream(ChatRequest.of("Hi"));

        assertThatThrownBy(() -> drain(s)).isSameAs(CUT);
        assertThat(groq.calls()).isZero();
    }

    @Test
    void aMidStreamFailureCountsTowardsTheTargetsCooldown() {
        openai.then(Step.failAfter(CUT, STARTED, new ChatEvent.TextDelta("Hel")));
        groq.then(continuation("lo"));
        ProviderManager route = builder().cooldown(new CooldownPolicy(1, Duration.ofSeconds(30))).build();

        route.stream(ChatRequest.of("Hi")).collect();

        assertThat(route.targetStates().get(0).state()).isEqualTo(CircuitState.OPEN);
        assertThat(route.targetStates().get(1).state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void closingFromAnotherThreadAbortsABlockedReadAndStartsNoContinuation() throws Exception {
        // given: openai delivers "Hel", then blocks until its stream is closed
        BlockingStream blocking = new BlockingStream("openai");
        LlmProvider blocked = new LlmProvider() {
            @Override public String name() { return "openai"; }
            @Override public String type() { return "scripted"; }
            @Override public Set<Capability> capabilities() { return Set.of(Capability.CHAT, Capability.STREAMING); }
            @Override public ChatResponse chat(ChatRequest request) { throw new UnsupportedOperationException(); }
            @Override public ChatStream stream(ChatRequest request) { return blocking; }
        };
        groq.then(continuation("never"));
        ProviderManager route = ProviderManager.builder(blocked).fallback(groq).clock(clock).sleeper(sleeper)
                .retry(RetryPolicy.none()).cooldown(CooldownPolicy.disabled()).build();
        ChatStream s = route.stream(ChatRequest.of("Hi"));
        s.next();
        AtomicReference<Throwable> pulled = new AtomicReference<>();
        AtomicReference<Boolean> more = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread puller = new Thread(() -> {
            try {
                more.set(s.hasNext());
            } catch (Throwable t) {
                pulled.set(t);
            } finally {
                done.countDown();
            }
        });
        puller.start();
        assertThat(blocking.reading.await(5, TimeUnit.SECONDS)).isTrue();

        // when
        s.close();

        // then
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(pulled.get()).isNull(); // the consumer sees the end of a stream it cancelled, not an error
        assertThat(more.get()).isFalse();
        assertThat(blocking.released.getCount()).isZero();
        assertThat(groq.calls()).isZero();
    }

    /** Delivers "Hel", then blocks in its next read until released (closed), then fails as a closed stream does. */
    private static final class BlockingStream extends AbstractChatStream {
        final CountDownLatch reading = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        private boolean sent;

        BlockingStream(String provider) {
            super(provider, null);
        }

        @Override
        protected boolean fetch() {
            if (!sent) {
                sent = true;
                emit(new ChatEvent.TextDelta("Hel"));
                return true;
            }
            reading.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider()).message("stream closed by the caller")
                    .build();
        }

        @Override
        protected void release(boolean completed) {
            released.countDown();
        }
    }
}
