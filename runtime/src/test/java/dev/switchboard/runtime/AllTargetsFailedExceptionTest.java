package dev.switchboard.runtime;

import static dev.switchboard.runtime.Errors.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.api.AllTargetsFailedException;
import dev.switchboard.api.AllTargetsFailedException.TargetFailure;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllTargetsFailedExceptionTest {

    private static final List<Attempt> NO_ATTEMPTS = List.of();

    private static TargetFailure failure(String target, LlmException e) {
        return new TargetFailure(target, e);
    }

    @Test
    void isARateLimitWithTheSmallestHintWhenEveryTargetWasRateLimited() {
        AllTargetsFailedException e = new AllTargetsFailedException("default", NO_ATTEMPTS, List.of(
                failure("openai", Errors.rateLimit("openai", Duration.ofSeconds(20))),
                failure("groq", Errors.rateLimit("groq", null)),
                failure("together", Errors.rateLimit("together", Duration.ofSeconds(3)))));

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(3));
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void isARateLimitWithoutHintWhenNoTargetGaveOne() {
        AllTargetsFailedException e = new AllTargetsFailedException("default", NO_ATTEMPTS, List.of(
                failure("openai", Errors.rateLimit("openai", null))));

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.retryAfter()).isEmpty();
    }

    @Test
    void isOverloadedWhenEveryTargetWasBusyAndOneOverloaded() {
        AllTargetsFailedException e = new AllTargetsFailedException("default", NO_ATTEMPTS, List.of(
                failure("openai", Errors.rateLimit("openai", Duration.ofSeconds(1))),
                failure("anthropic", error(ErrorKind.OVERLOADED, "anthropic")),
                failure("groq", Errors.rateLimit("groq", Duration.ofSeconds(1)))));

        assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(e.retryAfter()).isEmpty();
    }

    @Test
    void otherwiseTakesTheKindOfTheLastFailure() {
        AllTargetsFailedException e = new AllTargetsFailedException("default", NO_ATTEMPTS, List.of(
                failure("openai", Errors.rateLimit("openai", Duration.ofSeconds(1))),
                failure("groq", error(ErrorKind.CONNECTION, "groq")),
                failure("ollama", error(ErrorKind.TIMEOUT, "ollama"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e.getCause()).isSameAs(e.failures().get(2).error());
        assertThat(e.getSuppressed()).containsExactly(e.failures().get(0).error(), e.failures().get(1).error());
    }

    @Test
    void namesTheRouteAndEveryTargetWithWhyOnOneLine() {
        LlmException limited = LlmException.builder(ErrorKind.RATE_LIMIT, "openai").status(429)
                .code("rate_limit_exceeded").message("Rate limit reached for requests").build();
        LlmException refused = LlmException.builder(ErrorKind.CONNECTION, "groq").message("connection refused").build();

        AllTargetsFailedException e = new AllTargetsFailedException("default", NO_ATTEMPTS,
                List.of(failure("openai", limited), failure("groq/llama-3.1-8b-instant", refused)));

        assertThat(e.getMessage()).isEqualTo("route default: all targets failed: "
                + "openai (RATE_LIMIT: HTTP 429 rate_limit_exceeded: Rate limit reached for requests), "
                + "groq/llama-3.1-8b-instant (CONNECTION: connection refused)");
        assertThat(e.provider()).isEqualTo("default");
        assertThat(e.status()).isEmpty();
        assertThat(e).hasToString(AllTargetsFailedException.class.getName() + ": " + e.getMessage());
    }

    @Test
    void shortensLongReasonsSoTheMessageStaysReadable() {
        LlmException verbose = LlmException.builder(ErrorKind.SERVER, "openai").message("x".repeat(450)).build();

        AllTargetsFailedException e = new AllTargetsFailedException("default", NO_ATTEMPTS,
                List.of(failure("openai", verbose)));

        assertThat(e.getMessage()).hasSize("route default: all targets failed: openai (SERVER: ".length() + 200 + 4)
                .endsWith("...)").doesNotContain("\n");
    }

    @Test
    void needsAtLeastOneFailure() {
        assertThatThrownBy(() -> new AllTargetsFailedException("default", NO_ATTEMPTS, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void carriesTheWholeTrailOfTheRoute() {
        ManualClock clock = new ManualClock();
        ScriptedProvider openai = new ScriptedProvider("openai", clock).failing(ErrorKind.SERVER);
        ScriptedProvider groq = new ScriptedProvider("groq", clock).failing(ErrorKind.AUTHENTICATION);
        ProviderManager route = ProviderManager.builder(openai).fallback(groq).name("default").clock(clock)
                .sleeper(new RecordingSleeper(clock)).random(() -> 0.0).cooldown(CooldownPolicy.disabled())
                .retry(new RetryPolicy(1, Duration.ofMillis(10), Duration.ofSeconds(1), 2.0)).build();

        AllTargetsFailedException e = catchThrowableOfType(AllTargetsFailedException.class,
                () -> route.chat(ChatRequest.of("Hi")));

        assertThat(e.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null)).containsExactly(
                org.assertj.core.groups.Tuple.tuple("openai", ErrorKind.SERVER),
                org.assertj.core.groups.Tuple.tuple("openai", ErrorKind.SERVER),
                org.assertj.core.groups.Tuple.tuple("groq", ErrorKind.AUTHENTICATION));
        assertThat(e.failures()).extracting(TargetFailure::target).containsExactly("openai", "groq");
        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(e.getMessage()).isEqualTo("route default: all targets failed: "
                + "openai (SERVER: server from openai), groq (AUTHENTICATION: authentication from groq)");
    }
}
