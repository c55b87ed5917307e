package dev.switchboard.runtime;

import dev.switchboard.runtime.routing.OpenedStream;
import dev.switchboard.runtime.routing.RouteChatStream;
import dev.switchboard.runtime.routing.StreamResumer;
import static dev.switchboard.runtime.Errors.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.api.AllTargetsFailedException;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.ScriptedProvider.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamFallbackTest {

    private static final ChatEvent STARTED = new ChatEvent.Started("chatcmpl-1", "gpt-4o-mini");

    private final ManualClock clock = new ManualClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final ScriptedProvider openai = new ScriptedProvider("openai", clock);
    private final ScriptedProvider groq = new ScriptedProvider("groq", clock);

    private ProviderManager route(RetryPolicy retry) {
        return route(retry, StreamFailover.RESUME);
    }

    private ProviderManager route(RetryPolicy retry, StreamFailover failover) {
        return ProviderManager.builder(openai).fallback(groq).name("default").clock(clock).sleeper(sleeper)
                .random(() -> 0.5).retry(retry).cooldown(CooldownPolicy.disabled()).streamFailover(failover).build();
    }

    private ProviderManager route() {
        return route(RetryPolicy.none());
    }

    private static List<ChatEvent> drain(ChatStream s) {
        List<ChatEvent> events = new ArrayList<>();
        while (s.hasNext()) {
            events.add(s.next());
        }
        return events;
    }

    @Test
    void fallsBackWhenOpeningTheStreamFails() {
        openai.failing(ErrorKind.SERVER);
        groq.answering("from groq");

        try (ChatStream s = route().stream(ChatRequest.of("Hi"))) {
            assertThat(s.provider()).isEqualTo("groq");
            assertThat(drain(s)).isEqualTo(ScriptedProvider.answerEvents("from groq"));
            assertThat(s.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null)).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("openai", ErrorKind.SERVER),
                    org.assertj.core.groups.Tuple.tuple("groq", null));
        }
    }

    @Test
    void fallsBackAndClosesTheStreamWhenTheFirstPullFails() {
        openai.then(Step.failAfter(error(ErrorKind.STREAM_INTERRUPTED, "openai")));
        groq.answering("from groq");

        try (ChatStream s = route().stream(ChatRequest.of("Hi"))) {
            assertThat(drain(s)).isEqualTo(ScriptedProvider.answerEvents("from groq"));
        }

        assertThat(openai.streams()).singleElement().satisfies(failed -> assertThat(failed.closed()).isTrue());
    }

    @Test
    void fallsBackTransparentlyWhenTheStreamFailsAfterStartingButBeforeContent() {
        openai.then(Step.failAfter(new IllegalStateException("decoder broke"), STARTED,
                new ChatEvent.UsageReport(Usage.of(9, 0)), new ChatEvent.TextDelta("")));
        groq.answering("from groq");

        ChatStream s = route().stream(ChatRequest.of("Hi"));
        List<ChatEvent> events = drain(s);

        // None of openai's events reach the caller.
        assertThat(events).isEqualTo(ScriptedProvider.answerEvents("from groq"));
        assertThat(openai.streams().get(0).releases()).isEqualTo(1);
        assertThat(s.attempts().get(0).errorKind()).contains(ErrorKind.SERVER);
    }

    @Test
    void retriesAStreamThatFailedBeforeContentOnTheSameTarget() {
        openai.then(Step.failAfter(error(ErrorKind.STREAM_INTERRUPTED, "openai"), STARTED), Step.answer("second try"));

        ChatResponse r = route(new RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0))
                .stream(ChatRequest.of("Hi")).collect();

        assertThat(r.text()).isEqualTo("second try");
        assertThat(openai.streams()).hasSize(2);
        assertThat(openai.streams().get(0).closed()).isTrue();
        assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(50));
        assertThat(groq.calls()).isZero();
    }

    @Test
    void aFailureAfterContentReachesTheCallerWhenStreamFailoverIsFail() {
        LlmException broke = error(ErrorKind.STREAM_INTERRUPTED, "openai");
        openai.then(Step.failAfter(broke, STARTED, new ChatEvent.TextDelta("Hel")));
        groq.answering("never");

        ChatStream s = route(RetryPolicy.none(), StreamFailover.FAIL).stream(ChatRequest.of("Hi"));

        assertThat(s.next()).isEqualTo(STARTED);
        assertThat(s.next()).isEqualTo(new ChatEvent.TextDelta("Hel"));
        assertThatThrownBy(s::hasNext).isSameAs(broke);
        assertThat(openai.streams().get(0).closed()).isTrue();
        assertThat(groq.calls()).isZero();
        assertThat(s.attempts()).containsExactly(Attempt.answered("openai", null, Duration.ZERO));
    }

    @Test
    void anUnexpectedExceptionAfterContentReachesTheCallerAsAServerFailure() {
        openai.then(Step.failAfter(new IllegalStateException("socket gone"), new ChatEvent.TextDelta("Hel")));

        ChatStream s = route(RetryPolicy.none(), StreamFailover.FAIL).stream(ChatRequest.of("Hi"));
        s.next();

        LlmException e = catchThrowableOfType(LlmException.class, s::next);
        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.provider()).isEqualTo("openai");
        assertThat(e).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void collectGivesTheSameResponseAsChat() {
        openai.failing(ErrorKind.OVERLOADED);
        groq.latency(Duration.ofMillis(30)).answering("the answer");
        ProviderManager route = route();

        ChatResponse chat = route.chat(ChatRequest.of("Hi"));
        ChatResponse collected = route.stream(ChatRequest.of("Hi")).collect();

        assertThat(collected).isEqualTo(chat);
        assertThat(collected.attempts()).extracting(Attempt::provider).containsExactly("openai", "groq");
        assertThat(collected.attempts().get(1).latency()).isEqualTo(Duration.ofMillis(30));
        assertThat(collected.usage()).isEqualTo(Usage.of(5, 7));
        assertThat(collected.model()).isEqualTo("served-model");
    }

    @Test
    void collectAfterPullingSomeEventsIsStillTheWholeAnswer() {
        openai.then(Step.events(STARTED, new ChatEvent.TextDelta("Hello"), new ChatEvent.TextDelta(", world"),
                new ChatEvent.Finished(FinishReason.STOP, "stop")));

        ChatStream s = route().stream(ChatRequest.of("Hi"));
        s.next();
        s.next();
        ChatResponse r = s.collect();

        assertThat(r.text()).isEqualTo("Hello, world");
        assertThat(r.id()).isEqualTo("chatcmpl-1");
        assertThat(r.provider()).isEqualTo("openai");
        assertThat(r.attempts()).hasSize(1);
        assertThat(openai.streams().get(0).closed()).isTrue();
    }

    @Test
    void anAnswerWithoutContentIsStillAnAnswer() {
        openai.then(Step.events(STARTED, new ChatEvent.Finished(FinishReason.LENGTH, "length")));
        groq.answering("never");

        ChatResponse r = route().stream(ChatRequest.of("Hi")).collect();

        assertThat(r.text()).isEmpty();
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(groq.calls()).isZero();
    }

    @Test
    void aToolCallCountsAsContent() {
        LlmException broke = error(ErrorKind.STREAM_INTERRUPTED, "openai");
        openai.then(Step.failAfter(broke, new ChatEvent.ToolCallDelta(0, "call_1", "get_weather", "")));
        groq.answering("never");

        ChatStream s = route().stream(ChatRequest.of("Hi"));

        assertThat(s.next()).isInstanceOf(ChatEvent.ToolCallDelta.class);
        assertThatThrownBy(s::next).isSameAs(broke);
        assertThat(groq.calls()).isZero();
    }

    @Test
    void closeClosesTheLiveStreamOnce() {
        openai.then(Step.events(STARTED, new ChatEvent.TextDelta("a"), new ChatEvent.TextDelta("b")));

        ChatStream s = route().stream(ChatRequest.of("Hi"));
        s.next();
        s.close();
        s.close();

        assertThat(openai.streams().get(0).releases()).isEqualTo(1);
    }

    @Test
    void sendsTheTargetsModel() {
        openai.answering("ok");
        ProviderManager route = ProviderManager.builder(openai, "gpt-4o-mini").clock(clock).sleeper(sleeper).build();

        ChatStream s = route.stream(ChatRequest.of("Hi"));

        assertThat(openai.requestedModels()).containsExactly("gpt-4o-mini");
        assertThat(s.attempts()).extracting(a -> a.model().orElse(null)).containsExactly("gpt-4o-mini");
        s.close();
    }

    @Test
    void failsWithTheTrailWhenNoTargetStartsAnswering() {
        openai.failing(ErrorKind.AUTHENTICATION);
        groq.then(Step.failAfter(error(ErrorKind.STREAM_INTERRUPTED, "groq"), STARTED));

        AllTargetsFailedException e = catchThrowableOfType(AllTargetsFailedException.class,
                () -> route().stream(ChatRequest.of("Hi")));

        assertThat(e.attempts()).extracting(a -> a.errorKind().orElse(null))
                .containsExactly(ErrorKind.AUTHENTICATION, ErrorKind.STREAM_INTERRUPTED);
        assertThat(groq.streams().get(0).closed()).isTrue();
    }

    @Test
    void aResumerCanContinueTheAnswerAfterAMidStreamFailure() {
        // The seam the route's resume strategy plugs into (see StreamFailoverTest for the route's own).
        ScriptedProvider.ScriptedStream broken = new ScriptedProvider.ScriptedStream("openai", null,
                List.of(new ChatEvent.TextDelta("Hel")), error(ErrorKind.STREAM_INTERRUPTED, "openai"));
        ScriptedProvider.ScriptedStream rest = new ScriptedProvider.ScriptedStream("groq", null,
                List.of(new ChatEvent.TextDelta("lo")), null);
        OpenedStream opened = new OpenedStream(broken, List.of(), false);
        RouteChatStream s = new RouteChatStream(opened, null, List.of(), (failure, delivered) ->
                delivered.text().equals("Hel") ? new StreamResumer.Continuation(new OpenedStream(rest, List.of(), false),
                        List.of()) : null);

        ChatResponse r = s.collect();

        assertThat(r.text()).isEqualTo("Hello");
        assertThat(r.provider()).isEqualTo("groq");
        assertThat(broken.closed()).isTrue();
        assertThat(rest.closed()).isTrue();
    }
}
