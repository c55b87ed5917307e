package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdjsonReaderTest {

    /** A line as read: its text and whether a newline ended it. */
    record Line(String text, boolean complete) {}

    private static List<Line> readAll(InputStream in) {
        NdjsonReader reader = new NdjsonReader(in);
        List<Line> lines = new ArrayList<>();
        try {
            while (reader.next()) {
                lines.add(new Line(reader.line(), reader.lineComplete()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsOneValuePerLineWithLfOrCrlf() {
        String body = "{\"a\":1}\n{\"b\":2}\r\n{\"c\":3}\n";

        assertThat(readAll(SlicedInputStream.whole(utf8(body)))).containsExactly(
                new Line("{\"a\":1}", true), new Line("{\"b\":2}", true), new Line("{\"c\":3}", true));
    }

    @Test
    void skipsBlankAndWhitespaceOnlyLines() {
        String body = "\n{\"a\":1}\n\n   \n\t\r\n{\"b\":2}\n\n";

        assertThat(readAll(SlicedInputStream.whole(utf8(body)))).extracting(Line::text)
                .containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void reportsALastLineWithoutNewlineAsIncomplete() {
        String body = "{\"done\":false}\n{\"done\":tr";

        assertThat(readAll(SlicedInputStream.whole(utf8(body)))).containsExactly(
                new Line("{\"done\":false}", true), new Line("{\"done\":tr", false));
    }

    @Test
    void reportsNothingForAnEmptyBody() {
        assertThat(readAll(SlicedInputStream.whole(new byte[0]))).isEmpty();
        assertThat(readAll(SlicedInputStream.whole(utf8("\n\r\n  \n")))).isEmpty();
    }

    @Test
    void readsTheSameLinesWhateverByteTheBodyIsSplitAt() {
        // given: the Ollama native stream shape, with a CRLF and multi-byte text
        String body = "{\"message\":{\"content\":\"Grüße \"},\"done\":false}\r\n"
                + "{\"message\":{\"content\":\"日本\"},\"done\":false}\n\n"
                + "{\"done\":true,\"eval_count\":2}\n";
        byte[] bytes = utf8(body);
        List<Line> expected = List.of(
                new Line("{\"message\":{\"content\":\"Grüße \"},\"done\":false}", true),
                new Line("{\"message\":{\"content\":\"日本\"},\"done\":false}", true),
                new Line("{\"done\":true,\"eval_count\":2}", true));

        // then
        for (int at = 0; at <= bytes.length; at++) {
            assertThat(readAll(SlicedInputStream.splitAt(bytes, at))).as("split at %d", at).isEqualTo(expected);
        }
        assertThat(readAll(SlicedInputStream.oneByteAtATime(bytes))).isEqualTo(expected);
        for (long seed = 1; seed <= 20; seed++) {
            assertThat(readAll(SlicedInputStream.randomSlices(bytes, seed, 9))).as("seed %d", seed).isEqualTo(expected);
        }
    }

    @Test
    void exposesTheLineBytesForParsingWithoutAString() throws IOException {
        NdjsonReader reader = new NdjsonReader(SlicedInputStream.whole(utf8("\n  {\"x\":\"ü\"}\n")));

        assertThat(reader.next()).isTrue();

        String viaBuffer = new String(reader.buffer(), reader.offset(), reader.length(), StandardCharsets.UTF_8);
        assertThat(viaBuffer).isEqualTo("  {\"x\":\"ü\"}").isEqualTo(reader.line());
        assertThat(reader.next()).isFalse();
    }

    @Test
    void readsLinesLongerThanItsBuffer() {
        String big = "{\"content\":\"" + "q".repeat(50_000) + "\"}";

        List<Line> lines = readAll(SlicedInputStream.randomSlices(utf8(big + "\n{}\n"), 7, 5000));

        assertThat(lines).extracting(Line::text).containsExactly(big, "{}");
    }
}
