package dev.switchboard.runtime;

import static dev.switchboard.runtime.Errors.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.api.AllTargetsFailedException;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FallbackTest {

    private final ManualClock clock = new ManualClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final ScriptedProvider openai = new ScriptedProvider("openai", clock);
    private final ScriptedProvider groq = new ScriptedProvider("groq", clock);
    private final ScriptedProvider ollama = new ScriptedProvider("ollama", clock);

    private ProviderManager.Builder route(ScriptedProvider first, ScriptedProvider... rest) {
        ProviderManager.Builder b = ProviderManager.builder(first).name("default").clock(clock).sleeper(sleeper)
                .random(() -> 0.5).retry(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0))
                .cooldown(CooldownPolicy.disabled());
        for (ScriptedProvider p : rest) {
            b.fallback(p);
        }
        return b;
    }

    @Test
    void isARouteNamedAfterItsRoute() {
        ProviderManager route = route(openai, groq).build();

        assertThat(route.type()).isEqualTo("route");
        assertThat(route.name()).isEqualTo("default");
        assertThat(route.toString()).isEqualTo("route default [openai, groq]");
    }

    @Test
    void triesTargetsInOrderUntilOneAnswers() {
        openai.failing(ErrorKind.AUTHENTICATION);
        groq.failing(ErrorKind.QUOTA);
        ollama.answering("hello from ollama");

        ChatResponse r = route(openai, groq, ollama).build().chat(ChatRequest.of("Hi"));

        assertThat(r.text()).isEqualTo("hello from ollama");
        assertThat(r.provider()).isEqualTo("ollama");
        assertThat(r.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null)).containsExactly(
                org.assertj.core.groups.Tuple.tuple("openai", ErrorKind.AUTHENTICATION),
                org.assertj.core.groups.Tuple.tuple("groq", ErrorKind.QUOTA),
                org.assertj.core.groups.Tuple.tuple("ollama", null));
        assertThat(r.attempts().get(2).succeeded()).isTrue();
    }

    @Test
    void doesNotTouchLaterTargetsWhenTheFirstAnswers() {
        openai.answering("first");
        groq.answering("second");

        ChatResponse r = route(openai, groq).build().chat(ChatRequest.of("Hi"));

        assertThat(r.text()).isEqualTo("first");
        assertThat(r.attempts()).containsExactly(Attempt.answered("openai", null, Duration.ZERO));
        assertThat(groq.calls()).isZero();
    }

    @ParameterizedTest
    @EnumSource(names = {"AUTHENTICATION", "QUOTA", "MODEL_NOT_FOUND", "CONTEXT_LENGTH", "CONTENT_FILTER", "UNSUPPORTED"})
    void movesOnWithoutRetryOn(ErrorKind kind) {
        openai.failing(kind);
        groq.answering("from groq");

        ChatResponse r = route(openai, groq).build().chat(ChatRequest.of("Hi"));

        assertThat(r.text()).isEqualTo("from groq");
        assertThat(openai.calls()).isEqualTo(1);
        assertThat(sleeper.waits()).isEmpty();
        assertThat(r.attempts()).extracting(a -> a.errorKind().orElse(null)).containsExactly(kind, null);
    }

    @Test
    void stopsOnACallerErrorWithoutTryingTheNextTarget() {
        LlmException invalid = LlmException.builder(ErrorKind.INVALID_REQUEST, "openai").status(400)
                .code("invalid_value").message("temperature is out of range").build();
        openai.failing(invalid);
        groq.answering("never");

        RequestRejectedException e = catchThrowableOfType(RequestRejectedException.class,
                () -> route(openai, groq).build().chat(ChatRequest.of("Hi")));

        assertThat(groq.calls()).isZero();
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(e.provider()).isEqualTo("openai");
        assertThat(e.status()).hasValue(400);
        assertThat(e.code()).hasValue("invalid_value");
        assertThat(e.getMessage()).isEqualTo(invalid.getMessage());
        assertThat(e.getCause()).isSameAs(invalid);
        assertThat(e.attempts()).singleElement().satisfies(a -> {
            assertThat(a.provider()).isEqualTo("openai");
            assertThat(a.errorKind()).contains(ErrorKind.INVALID_REQUEST);
            assertThat(a.error().orElseThrow()).isEqualTo("HTTP 400 invalid_value: temperature is out of range");
        });
    }

    @Test
    void aCallerErrorFromALaterTargetKeepsTheWholeTrail() {
        openai.failing(ErrorKind.AUTHENTICATION);
        groq.failing(ErrorKind.INVALID_REQUEST);
        ollama.answering("never");

        RequestRejectedException e = catchThrowableOfType(RequestRejectedException.class,
                () -> route(openai, groq, ollama).build().chat(ChatRequest.of("Hi")));

        assertThat(e.attempts()).extracting(Attempt::provider).containsExactly("openai", "groq");
        assertThat(ollama.calls()).isZero();
    }

    @Test
    void treatsAnUnexpectedExceptionAsAServerFailureOfThatTarget() {
        openai.failing(new IllegalStateException("decoder state broken"));
        groq.answering("from groq");

        ChatResponse r = route(openai, groq).retry(RetryPolicy.none()).build().chat(ChatRequest.of("Hi"));

        assertThat(r.text()).isEqualTo("from groq");
        assertThat(r.attempts().get(0).errorKind()).contains(ErrorKind.SERVER);
        assertThat(r.attempts().get(0).error().orElseThrow()).isEqualTo("unexpected java.lang.IllegalStateException: decoder state broken");
    }

    @Test
    void explainsAnUnexpectedExceptionWhenNoTargetIsLeft() {
        NullPointerException bug = new NullPointerException("field was null");
        openai.failing(bug);

        AllTargetsFailedException e = catchThrowableOfType(AllTargetsFailedException.class,
                () -> route(openai).retry(RetryPolicy.none()).build().chat(ChatRequest.of("Hi")));

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.getMessage()).isEqualTo(
                "route default: all targets failed: openai (SERVER: unexpected java.lang.NullPointerException: field was null)");
        assertThat(e.getCause()).isInstanceOf(LlmException.class).hasCause(bug);
    }

    @Test
    void sendsEachTargetItsOwnModelAndTheRequestedModelToTargetsWithout() {
        openai.failing(ErrorKind.MODEL_NOT_FOUND);
        groq.failing(ErrorKind.SERVER);
        ollama.answering("ok");
        ProviderManager route = ProviderManager.builder(openai, "gpt-4o-mini").fallback(groq).fallback(ollama, "llama3.2")
                .clock(clock).sleeper(sleeper).retry(RetryPolicy.none()).build();

        ChatResponse r = route.chat(ChatRequest.builder().model("asked-model").user("Hi").build());

        assertThat(openai.requestedModels()).containsExactly("gpt-4o-mini");
        assertThat(groq.requestedModels()).containsExactly("asked-model");
        assertThat(ollama.requestedModels()).containsExactly("llama3.2");
        assertThat(r.attempts()).extracting(a -> a.model().orElse(null)).containsExactly("gpt-4o-mini", "asked-model", "llama3.2");
    }

    @Test
    void measuresEachAttemptOnTheInjectedClock() {
        openai.latency(Duration.ofMillis(250)).failing(ErrorKind.AUTHENTICATION);
        groq.latency(Duration.ofMillis(40)).answering("ok");

        ChatResponse r = route(openai, groq).build().chat(ChatRequest.of("Hi"));

        assertThat(r.attempts()).extracting(Attempt::latency)
                .containsExactly(Duration.ofMillis(250), Duration.ofMillis(40));
    }

    @Test
    void keepsAttemptMessagesOnOneLineAndFreeOfCredentials() {
        openai.failing(new IllegalArgumentException("bad header\nAuthorization: Bearer test-key-0-not-real"));
        groq.answering("ok");

        ChatResponse r = route(openai, groq).retry(RetryPolicy.none()).build().chat(ChatRequest.of("Hi"));

        String error = r.attempts().get(0).error().orElseThrow();
        assertThat(error).doesNotContain("test-key-0-not-real").doesNotContain("\n").contains("bad header");
    }

    @Test
    void doesNotCloseItsProvidersWhenClosed() {
        ProviderManager route = route(openai, groq).build();

        route.close();

        assertThat(openai.closed()).isFalse();
        assertThat(groq.closed()).isFalse();
    }
}
