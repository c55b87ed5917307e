package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlmExceptionTest {

    @Test
    void composesProviderStatusCodeAndText() {
        LlmException e = LlmException.builder(ErrorKind.RATE_LIMIT, "groq").status(429).code("rate_limit_exceeded")
                .message("Rate limit reached").retryAfter(Duration.ofSeconds(3)).build();

        assertThat(e.getMessage()).isEqualTo("groq: HTTP 429 rate_limit_exceeded: Rate limit reached");
        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.provider()).isEqualTo("groq");
        assertThat(e.status()).hasValue(429);
        assertThat(e.code()).contains("rate_limit_exceeded");
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
    }

    @Test
    void leavesOutWhatIsUnknown() {
        LlmException e = LlmException.builder(ErrorKind.CONNECTION, "ollama").message("cannot connect").code(" ").build();

        assertThat(e.getMessage()).isEqualTo("ollama: cannot connect");
        assertThat(e.status()).isEmpty();
        assertThat(e.code()).isEmpty();
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e.details()).isEmpty();
    }

    @Test
    void namesTheKindWhenThereIsNoText() {
        assertThat(LlmException.builder(ErrorKind.MODEL_NOT_FOUND, "p").status(404).build().getMessage())
                .isEqualTo("p: HTTP 404 model not found");
    }

    @Test
    void foldsEveryLineBreakOntoOneLine() {
        LlmException e = LlmException.builder(ErrorKind.SERVER, "p")
                .message("first line\r\n   second line\n\nthird\rfourth")
                .details(List.of("hate: high\nseverity", "violence:\r\nsafe"))
                .build();

        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r")
                .startsWith("p: first line second line third fourth")
                .contains("hate: high severity").contains("violence: safe");
    }

    @Test
    void keepsACodeWithALineBreakOnOneLine() {
        LlmException e = LlmException.builder(ErrorKind.SERVER, "p").code("odd\ncode").message("m").build();

        assertThat(e.getMessage()).doesNotContain("\n");
    }

    @Test
    void truncatesAVeryLongText() {
        LlmException e = LlmException.builder(ErrorKind.SERVER, "p").message("x".repeat(5000)).build();

        assertThat(e.getMessage()).endsWith("...").hasSizeLessThan(520);
    }

    @Test
    void doesNotCutACharacterInHalfWhenTruncating() {
        // a supplementary character (two chars in UTF-16) straddling the cut
        String text = "a".repeat(499) + "😀" + "tail".repeat(50);

        String message = LlmException.builder(ErrorKind.SERVER, "p").message(text).build().getMessage();

        String kept = message.substring("p: ".length(), message.length() - "...".length());
        assertThat(kept.codePoints().noneMatch(cp -> Character.isSurrogate((char) cp))).isTrue();
    }

    @Test
    void appendsDetails() {
        LlmException e = LlmException.builder(ErrorKind.CONTENT_FILTER, "azure").status(400).code("content_filter")
                .message("filtered").details(List.of("hate=high", "sexual=safe")).build();

        assertThat(e.getMessage()).isEqualTo("azure: HTTP 400 content_filter: filtered [hate=high, sexual=safe]");
        assertThat(e.details()).containsExactly("hate=high", "sexual=safe");
    }

    @Test
    void takesRetryabilityFromTheKindUnlessOverridden() {
        assertThat(LlmException.builder(ErrorKind.SERVER, "p").build().isRetryable()).isTrue();
        assertThat(LlmException.builder(ErrorKind.SERVER, "p").retryable(false).build().isRetryable()).isFalse();
        assertThat(LlmException.builder(ErrorKind.QUOTA, "p").build().isRetryable()).isFalse();
        assertThat(LlmException.builder(ErrorKind.INVALID_REQUEST, "p").build().kind().isFallbackWorthy()).isFalse();
    }

    @Test
    void buildsTheShortcutsForUnsupportedAndInvalidRequests() {
        assertThat(LlmException.unsupported("groq", "embeddings").getMessage()).isEqualTo("groq: embeddings is not supported");
        assertThat(LlmException.unsupported("groq", "embeddings").kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(LlmException.invalidRequest("p", "no model configured").kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
    }
}
