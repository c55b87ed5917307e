package dev.switchboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bodies written one after another on one thread, with the thread's one buffer and generator. */
class ReusedJsonOutputTest {

    private static String text(ReusedJsonOutput out) {
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void eachBodyStartsAloneInTheThreadsOneOutput() throws IOException {
        ReusedJsonOutput first;
        try (ReusedJsonOutput out = ReusedJsonOutput.open()) {
            out.generator().writeStartObject();
            out.generator().writeStringField("a", "é");
            out.generator().writeEndObject();
            assertThat(out.finish()).isTrue();
            assertThat(text(out)).isEqualTo("{\"a\":\"é\"}");
            first = out;
        }
        int uses = first.uses();
        try (ReusedJsonOutput out = ReusedJsonOutput.open()) {
            assertThat(out).isSameAs(first);
            assertThat(out.uses()).as("a body read in place sees its buffer was reused").isEqualTo(uses + 1);
            out.generator().writeNumber(1);
            assertThat(out.finish()).isTrue();
            assertThat(text(out)).isEqualTo("1");
        }
    }

    @Test
    void aBodyLeftOpenIsEndedAndItsOutputNotKept() throws IOException {
        ReusedJsonOutput open;
        try (ReusedJsonOutput out = ReusedJsonOutput.open()) {
            out.generator().writeStartObject();
            out.generator().writeArrayFieldStart("a");
            assertThat(out.finish()).isFalse();
            assertThat(text(out)).isEqualTo("{\"a\":[]}");
            open = out;
        }
        try (ReusedJsonOutput out = ReusedJsonOutput.open()) {
            assertThat(out).isNotSameAs(open);
            out.generator().writeStartArray();
            out.generator().writeEndArray();
            assertThat(out.finish()).isTrue();
            assertThat(text(out)).isEqualTo("[]");
        }
    }

    @Test
    void aWriterThatThrowsLeavesNothingForTheNextBody() throws IOException {
        ReusedJsonOutput failed = null;
        try (ReusedJsonOutput out = ReusedJsonOutput.open()) {
            failed = out;
            out.generator().writeStartObject();
            out.generator().writeFieldName("a");
            throw new IllegalStateException("boom");
        } catch (IllegalStateException expected) {
            // the output was not finished
        }
        try (ReusedJsonOutput out = ReusedJsonOutput.open()) {
            assertThat(out).isNotSameAs(failed);
            out.generator().writeString("x");
            assertThat(out.finish()).isTrue();
            assertThat(text(out)).isEqualTo("\"x\"");
        }
    }

    @Test
    void aBodyWrittenWhileAnotherIsOpenGetsAnOutputOfItsOwn() throws IOException {
        try (ReusedJsonOutput outer = ReusedJsonOutput.open()) {
            outer.generator().writeStartArray();
            try (ReusedJsonOutput inner = ReusedJsonOutput.open()) {
                assertThat(inner).isNotSameAs(outer);
                inner.generator().writeNumber(2);
                assertThat(inner.finish()).isTrue();
                assertThat(text(inner)).isEqualTo("2");
            }
            outer.generator().writeEndArray();
            assertThat(outer.finish()).isTrue();
            assertThat(text(outer)).isEqualTo("[]");
        }
    }

    @Test
    void anOutputClosedOnAnotherThreadIsKeptByNeither() throws Exception {
        ReusedJsonOutput handedOver = ReusedJsonOutput.open();
        handedOver.generator().writeNumber(1);
        assertThat(handedOver.finish()).isTrue();
        // e.g. a body written on a worker and released on the event loop: that thread must not touch this one's place
        Thread other = new Thread(handedOver::close);
        other.start();
        other.join();
        try (ReusedJsonOutput out = ReusedJsonOutput.open()) {
            assertThat(out).isNotSameAs(handedOver);
            out.generator().writeNumber(2);
            assertThat(out.finish()).isTrue();
            assertThat(text(out)).isEqualTo("2");
        }
    }
}
