package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.http.NdjsonReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdjsonTest {

    @Test
    void valuesAreReadBackOnePerLineEachComplete() throws IOException {
        String body = Ndjson.of("{\"done\":false}", "{\"done\":true}");

        assertThat(body).isEqualTo("{\"done\":false}\n{\"done\":true}\n");
        NdjsonReader reader = new NdjsonReader(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        List<String> lines = new ArrayList<>();
        while (reader.next()) {
            assertThat(reader.lineComplete()).isTrue();
            lines.add(reader.line());
        }
        assertThat(lines).containsExactly("{\"done\":false}", "{\"done\":true}");
    }

    @Test
    void aValueSpanningLinesIsRefused() {
        assertThatThrownBy(() -> Ndjson.of("{\"a\":\n1}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one line");
    }

    @Test
    void okResponseCarriesTheNdjsonContentType() {
        assertThat(Ndjson.ok("{}\n").build().getHeaders().getHeader("Content-Type").firstValue())
                .isEqualTo("application/x-ndjson");
    }
}
