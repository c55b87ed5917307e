package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WithModelTest {

    private final ManualClock clock = new ManualClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final ScriptedProvider openai = new ScriptedProvider("openai", clock);
    private final ScriptedProvider groq = new ScriptedProvider("groq", clock);
    private final RetryPolicy retry = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0);
    private final CooldownPolicy cooldown = new CooldownPolicy(1, Duration.ofMinutes(1));

    private ProviderManager route() {
        return ProviderManager.builder(openai, "gpt-4o").fallback(groq).fallback(openai, "gpt-4o-mini")
                .name("default").clock(clock).sleeper(sleeper).random(() -> 0.5).retry(retry).cooldown(cooldown).build();
    }

    @Test
    void asksEveryTargetForTheGivenModelAndTriesEachProviderOnce() {
        // given
        openai.failing(ErrorKind.AUTHENTICATION);
        groq.answering("hi");

        // when
        ProviderManager overridden = route().withModel("custom-model");
        ChatResponse r = overridden.chat(ChatRequest.of("Hello"));

        // then
        assertThat(overridden.targets()).extracting(ProviderManager.Target::label)
                .containsExactly("openai/custom-model", "groq/custom-model");
        assertThat(openai.requestedModels()).containsExactly("custom-model");
        assertThat(groq.requestedModels()).containsExactly("custom-model");
        assertThat(r.text()).isEqualTo("hi");
    }

    @Test
    void keepsTheNameAndPolicies() {
        // when
        ProviderManager overridden = route().withModel("m");

        // then
        assertThat(overridden.name()).isEqualTo("default");
        assertThat(overridden.retryPolicy()).isEqualTo(retry);
        assertThat(overridden.cooldownPolicy()).isEqualTo(cooldown);
    }

    @Test
    void hasItsOwnCooldownStateSoTheOriginalRouteIsNotTripped() {
        // given a route whose threshold is one failure
        ProviderManager original = route();
        ProviderManager overridden = original.withModel("m");
        openai.failing(ErrorKind.AUTHENTICATION);
        groq.answering("hi");

        // when
        overridden.chat(ChatRequest.of("Hello"));

        // then
        assertThat(overridden.targetStates().get(0).state()).isEqualTo(CircuitState.OPEN);
        assertThat(original.targetStates()).allSatisfy(s -> assertThat(s.state()).isEqualTo(CircuitState.CLOSED));
    }

    @Test
    void refusesABlankModel() {
        assertThatThrownBy(() -> route().withModel(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("default");
    }
}
