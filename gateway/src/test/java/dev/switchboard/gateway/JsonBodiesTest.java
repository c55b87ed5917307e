package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bodies written one after another on one thread, through the thread's one generator. */
class JsonBodiesTest {

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void eachBodyIsWholeAndAlone() {
        byte[] first = JsonBodies.json(g -> {
            g.writeStartObject();
            g.writeStringField("a", "é");
            g.writeEndObject();
        });
        byte[] event = JsonBodies.event(g -> g.writeNumber(1));
        byte[] named = JsonBodies.namedEvent("done", g -> g.writeString("x"));
        byte[] again = JsonBodies.json(g -> {
            g.writeStartArray();
            g.writeEndArray();
        });

        assertThat(text(first)).isEqualTo("{\"a\":\"é\"}");
        assertThat(text(event)).isEqualTo("data: 1\n\n");
        assertThat(text(named)).isEqualTo("event: done\ndata: \"x\"\n\n");
        assertThat(text(again)).isEqualTo("[]");
    }

    @Test
    void aWriterThatFailsOrLeavesItsBodyUnfinishedDoesNotSpoilTheNextBody() {
        assertThatThrownBy(() -> JsonBodies.json(g -> {
            g.writeStartObject();
            g.writeFieldName("a");
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThatThrownBy(() -> JsonBodies.json(g -> g.writeStartArray()))
                .isInstanceOf(IllegalStateException.class);

        assertThat(text(JsonBodies.json(g -> {
            g.writeStartObject();
            g.writeNumberField("b", 2);
            g.writeEndObject();
        }))).isEqualTo("{\"b\":2}");
    }
}
