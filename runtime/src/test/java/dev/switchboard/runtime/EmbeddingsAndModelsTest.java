package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.api.AllTargetsFailedException;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.Capability;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.ModelInfo;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EmbeddingsAndModelsTest {

    private final ManualClock clock = new ManualClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final ScriptedProvider groq = new ScriptedProvider("groq", clock, Set.of(Capability.CHAT, Capability.MODEL_LISTING));
    private final ScriptedProvider openai = new ScriptedProvider("openai", clock);
    private final ScriptedProvider ollama = new ScriptedProvider("ollama", clock);

    private ProviderManager.Builder route() {
        return ProviderManager.builder(groq).name("default").clock(clock).sleeper(sleeper).retry(RetryPolicy.none())
                .cooldown(CooldownPolicy.disabled());
    }

    @Test
    void embedSkipsTargetsWithoutTheEmbeddingsCapabilityWithoutCallingThem() {
        openai.answering("unused");
        ProviderManager route = route().fallback(openai, "text-embedding-3-small").build();

        EmbeddingResponse r = route.embed(EmbeddingRequest.of("one", "two"));

        assertThat(groq.calls()).isZero();
        assertThat(r.provider()).isEqualTo("openai");
        assertThat(r.embeddings()).hasSize(2);
        assertThat(openai.requestedModels()).containsExactly("text-embedding-3-small");
        assertThat(r.attempts()).containsExactly(
                Attempt.failed("groq", null, Duration.ZERO, Attempt.Outcome.SKIPPED_UNSUPPORTED, ErrorKind.UNSUPPORTED,
                        "embeddings needs capability EMBEDDINGS, which provider 'groq' (type scripted)"
                                + " does not declare; nothing was sent"),
                Attempt.answered("openai", "text-embedding-3-small", Duration.ZERO));
    }

    @Test
    void embedFallsBackOnFailure() {
        openai.failing(ErrorKind.SERVER);
        ollama.answering("unused");
        ProviderManager route = ProviderManager.builder(openai).fallback(ollama).clock(clock).sleeper(sleeper)
                .retry(RetryPolicy.none()).build();

        EmbeddingResponse r = route.embed(EmbeddingRequest.of("text-embedding-3-small", java.util.List.of("hi")));

        assertThat(r.provider()).isEqualTo("ollama");
        assertThat(ollama.requestedModels()).containsExactly("text-embedding-3-small");
        assertThat(r.attempts()).extracting(a -> a.errorKind().orElse(null)).containsExactly(ErrorKind.SERVER, null);
    }

    @Test
    void embedFailsWhenNoTargetEmbeds() {
        ProviderManager route = route().build();

        AllTargetsFailedException e = catchThrowableOfType(AllTargetsFailedException.class,
                () -> route.embed(EmbeddingRequest.of("hi")));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(e.getMessage()).isEqualTo("route default: all targets failed: groq (UNSUPPORTED: "
                + "embeddings needs capability EMBEDDINGS, which provider 'groq' (type scripted) does not declare;"
                + " nothing was sent)");
    }

    @Test
    void listModelsIsTheUnionOverTargetsAskingEachProviderOnce() {
        groq.models("llama-3.1-8b-instant", "shared-id");
        openai.models("gpt-4o-mini", "shared-id");
        ProviderManager route = route().fallback(openai, "gpt-4o").fallback(openai, "gpt-4o-mini").build();

        assertThat(route.listModels()).containsExactly(
                ModelInfo.of("llama-3.1-8b-instant", "groq"), ModelInfo.of("shared-id", "groq"),
                ModelInfo.of("gpt-4o-mini", "openai"), ModelInfo.of("shared-id", "openai"));
        assertThat(openai.calls()).isEqualTo(1);
        assertThat(route.isModelAvailable("gpt-4o-mini")).isTrue();
        assertThat(route.isModelAvailable("claude")).isFalse();
    }

    @Test
    void listModelsLeavesOutTargetsWhoseListingFails() {
        groq.listFailure(Errors.error(ErrorKind.CONNECTION, "groq"));
        openai.models("gpt-4o-mini");
        ProviderManager route = route().fallback(openai).build();

        assertThat(route.listModels()).containsExactly(ModelInfo.of("gpt-4o-mini", "openai"));
    }

    @Test
    void listModelsFailsOnlyWhenEveryListingFails() {
        groq.listFailure(Errors.error(ErrorKind.CONNECTION, "groq"));
        openai.listFailure(new UnsupportedOperationException("no listing"));
        ProviderManager route = route().fallback(openai).build();

        AllTargetsFailedException e = catchThrowableOfType(AllTargetsFailedException.class, route::listModels);

        assertThat(e.getMessage()).isEqualTo("route default: all targets failed: groq (CONNECTION: connection from groq), "
                + "openai (SERVER: unexpected java.lang.UnsupportedOperationException: no listing)");
        assertThat(e.attempts()).extracting(Attempt::provider).containsExactly("groq", "openai");
    }

    @Test
    void capabilitiesAreTheUnion() {
        ScriptedProvider embedOnly = new ScriptedProvider("embedder", clock, Set.of(Capability.EMBEDDINGS));

        assertThat(route().fallback(embedOnly).build().capabilities())
                .containsExactlyInAnyOrder(Capability.CHAT, Capability.MODEL_LISTING, Capability.EMBEDDINGS);
    }
}
