package dev.switchboard.runtime.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.ChatEvent;
import dev.switchboard.spi.ChatAccumulator;
import org.junit.jupiter.api.Test;

class ResumePrefixTest {

    private static ChatAccumulator delivered(String... pieces) {
        ChatAccumulator a = new ChatAccumulator();
        for (String p : pieces) {
            a.accept(new ChatEvent.TextDelta(p));
        }
        return a;
    }

    @Test
    void keepsATextWithinTheBoundWhole() {
        assertThat(ResumePrefix.of(delivered("Hello, ", "wor"), 10)).isEqualTo("Hello, wor");
    }

    @Test
    void keepsTheLastCharactersOfALongerText() {
        assertThat(ResumePrefix.of(delivered("Hello, ", "world"), 5)).isEqualTo("world");
    }

    @Test
    void neverStartsInTheMiddleOfASurrogatePair() {
        ChatAccumulator text = delivered("ab\uD83D\uDE00cd"); // "ab😀cd": the emoji is two chars

        assertThat(ResumePrefix.of(text, 3)).isEqualTo("cd");
        assertThat(ResumePrefix.of(text, 4)).isEqualTo("\uD83D\uDE00cd");
    }

    @Test
    void refusesABoundUnderOne() {
        assertThatThrownBy(() -> ResumePrefix.of(delivered("x"), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resume-prefix-chars must be at least 1, was 0");
    }

    @Test
    void leavesOutTrailingWhitespaceWhichAnthropicRefusesInAFinalAssistantMessage() {
        ChatAccumulator delivered = delivered("It is", " sunny \n");

        assertThat(ResumePrefix.of(delivered, 100)).isEqualTo("It is sunny");
        assertThat(ResumePrefix.endsInWhitespace(delivered)).isTrue();
        assertThat(ResumePrefix.endsInWhitespace(delivered("It is sunny"))).isFalse();
    }
}
