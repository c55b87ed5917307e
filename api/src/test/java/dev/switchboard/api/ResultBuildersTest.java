package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ResultBuildersTest {

    @Test
    void aChatResponseNeedsOnlyItsProviderMessageAndFinishReason() {
        // when
        ChatResponse r = ChatResponse.builder().provider("groq").message(Message.assistant("Hi"))
                .finishReason(FinishReason.STOP).build();

        // then
        assertThat(r.text()).isEqualTo("Hi");
        assertThat(r.id()).isEmpty();
        assertThat(r.model()).isEmpty();
        assertThat(r.reasoning()).isEmpty();
        assertThat(r.rawFinishReason()).isEmpty();
        assertThat(r.usage()).isEqualTo(Usage.NONE);
        assertThat(r.rateLimits()).isEqualTo(RateLimits.NONE);
        assertThat(r.attempts()).isEmpty();
        assertThat(r.cost()).isEqualTo(Cost.UNKNOWN);
    }

    @Test
    void aMissingRequiredPartIsNamed() {
        assertThatThrownBy(() -> ChatResponse.builder().provider("groq").finishReason(FinishReason.STOP).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("ChatResponse.message is required; set it on the builder");
        assertThatThrownBy(() -> EmbeddingResponse.builder().build())
                .hasMessage("EmbeddingResponse.provider is required; set it on the builder");
    }

    @Test
    void toBuilderCopiesEveryPartAndChangesOnlyWhatIsSet() {
        // given
        ChatResponse original = ChatResponse.builder().id("r1").model("m").provider("p").message(Message.assistant("x"))
                .reasoning("why").finishReason(FinishReason.LENGTH).rawFinishReason("max_tokens").usage(Usage.of(1, 2))
                .build();
        List<Attempt> trail = List.of(Attempt.answered("p", "m", Duration.ofMillis(3)));

        // when
        ChatResponse copy = original.toBuilder().attempts(trail).cost(Cost.usd("0.5")).build();

        // then
        assertThat(copy.toBuilder().attempts(List.of()).cost(Cost.UNKNOWN).build()).isEqualTo(original);
        assertThat(copy).isNotEqualTo(original);
        assertThat(copy.attempts()).isEqualTo(trail);
        assertThat(copy.cost()).isEqualTo(Cost.usd("0.5"));
        assertThat(copy.rawFinishReason()).isEqualTo("max_tokens");
    }

    @Test
    void anEmbeddingResponseCopiesItsVectorListAndKeepsDefaults() {
        List<Embedding> vectors = new java.util.ArrayList<>(List.of(new Embedding(0, new float[] {1f})));
        EmbeddingResponse r = EmbeddingResponse.builder().embeddings(vectors).provider("p").build();
        vectors.clear();

        assertThat(r.embeddings()).hasSize(1);
        assertThat(r.vector(0)).containsExactly(1f);
        assertThat(r.usage()).isEqualTo(Usage.NONE);
        assertThat(r.toBuilder().model("e").build().model()).isEqualTo("e");
    }

    @Test
    void modelInfoSaysUnknownWithEmptyOptionals() {
        ModelInfo known = ModelInfo.builder("m", "p").kind("chat").ownedBy("acme").contextLength(8192).build();
        ModelInfo unknown = ModelInfo.builder("m", "p").kind("").ownedBy(null).contextLength(0).build();

        assertThat(known.kind()).contains("chat");
        assertThat(known.ownedBy()).contains("acme");
        assertThat(known.contextLength()).hasValue(8192);
        assertThat(unknown.kind()).isEmpty();
        assertThat(unknown.ownedBy()).isEmpty();
        assertThat(unknown.contextLength()).isEmpty();
        assertThat(unknown).isEqualTo(ModelInfo.of("m", "p"));
    }

    @Test
    void rateLimitsAreEmptyUntilAFigureIsSet() {
        RateLimits limits = RateLimits.builder().limitRequests(60).remainingRequests(java.util.OptionalLong.empty())
                .resetTokens(Duration.ofSeconds(6)).build();

        assertThat(RateLimits.builder().build().isEmpty()).isTrue();
        assertThat(limits.isEmpty()).isFalse();
        assertThat(limits.limitRequests()).hasValue(60);
        assertThat(limits.remainingRequests()).isEmpty();
        assertThat(limits.resetTokens()).contains(Duration.ofSeconds(6));
        assertThat(limits.toBuilder().build()).isEqualTo(limits);
    }

    @Test
    void anAttemptsErrorKindFitsItsOutcome() {
        Attempt skipped = Attempt.failed("p", null, Duration.ZERO, Attempt.Outcome.SKIPPED_COOLDOWN, ErrorKind.SERVER,
                "cooling down");

        assertThat(skipped.succeeded()).isFalse();
        assertThat(skipped.outcome().isSkip()).isTrue();
        assertThat(skipped.errorKind()).contains(ErrorKind.SERVER);
        assertThat(skipped.model()).isEmpty();
        assertThat(Attempt.answered("p", "m", Duration.ZERO).errorKind()).isEmpty();
        assertThat(skipped.toBuilder().outcome(Attempt.Outcome.FAILED).build().outcome().isSkip()).isFalse();
        assertThatThrownBy(() -> Attempt.builder("p", Attempt.Outcome.FAILED).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an attempt with outcome FAILED needs an error kind");
        assertThatThrownBy(() -> Attempt.builder("p", Attempt.Outcome.RESUMED).errorKind(ErrorKind.SERVER).build())
                .hasMessage("an attempt with outcome RESUMED has no error kind");
    }

    @Test
    void everyFailureCarriesATrailEmptyUnlessARouteSetOne() {
        List<Attempt> trail = List.of(Attempt.failed("p", null, Duration.ZERO, Attempt.Outcome.FAILED,
                ErrorKind.SERVER, "HTTP 500"));

        assertThat(LlmException.unsupported("p", "embeddings").attempts()).isEmpty();
        assertThat(LlmException.builder(ErrorKind.SERVER, "route").attempts(trail).build().attempts()).isEqualTo(trail);
        AllTargetsFailedException all = new AllTargetsFailedException("r", trail,
                List.of(new AllTargetsFailedException.TargetFailure("p", LlmException.builder(ErrorKind.SERVER, "p").build())));
        LlmException asCaught = all;
        assertThat(asCaught.attempts()).isEqualTo(trail);
    }
}
