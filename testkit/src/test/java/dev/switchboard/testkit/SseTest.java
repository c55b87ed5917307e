package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.http.SseReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseTest {

    @Test
    void dataBodyIsReadBackAsOneEventPerPayload() throws IOException {
        String body = Sse.data("{\"n\":1}", "{\"n\":2}", "[DONE]");

        assertThat(body).isEqualTo("data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n");
        assertThat(read(body)).containsExactly("null|{\"n\":1}", "null|{\"n\":2}", "null|[DONE]");
    }

    @Test
    void namedEventsCommentsAndMultiLinePayloadsSurviveTheRoundTrip() throws IOException {
        String body = Sse.builder()
                .comment(" keep-alive")
                .event("message_start", "{\"a\":1}")
                .data("line one\nline two")
                .build();

        assertThat(body).contains("data: line one\ndata: line two\n\n");
        assertThat(read(body)).containsExactly("message_start|{\"a\":1}", "null|line one\nline two");
    }

    @Test
    void rawTextCanLeaveAnEventUnfinished() throws IOException {
        String body = Sse.builder().data("complete").raw("data: {\"cut\":").build();

        assertThat(read(body)).containsExactly("null|complete");
    }

    @Test
    void okResponseCarriesTheEventStreamContentType() {
        assertThat(Sse.ok("data: x\n\n").build().getHeaders().getHeader("Content-Type").firstValue())
                .isEqualTo("text/event-stream");
    }

    private static List<String> read(String body) throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        List<String> events = new ArrayList<>();
        while (reader.next()) {
            events.add(reader.event() + "|" + reader.data());
        }
        return events;
    }
}
