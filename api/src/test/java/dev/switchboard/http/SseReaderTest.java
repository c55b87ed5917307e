package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseReaderTest {

    /** One dispatched event as the reader reports it. */
    record Event(String name, String data, String lastId) {
        static Event of(String data) {
            return new Event(null, data, null);
        }
    }

    private static List<Event> readAll(InputStream in) {
        SseReader sse = new SseReader(in);
        List<Event> events = new ArrayList<>();
        try {
            while (sse.next()) {
                events.add(new Event(sse.event(), sse.data(), sse.lastEventId()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    private static List<Event> readAll(String text) {
        return readAll(SlicedInputStream.whole(utf8(text)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "line end {0}")
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void splitsEventsOnBlankLinesWhateverTheLineEnd(String eol) {
        // given
        String stream = "data: one" + eol + eol + "data: two" + eol + eol;

        // when
        List<Event> events = readAll(stream);

        // then
        assertThat(events).containsExactly(Event.of("one"), Event.of("two"));
    }

    @ParameterizedTest(name = "line end {0}")
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void joinsMultiLineDataWithLf(String eol) {
        String stream = "data: {" + eol + "data: \"a\": 1" + eol + "data: }" + eol + eol;

        assertThat(readAll(stream)).containsExactly(Event.of("{\n\"a\": 1\n}"));
    }

    @Test
    void acceptsDataWithOrWithoutTheSpaceAfterTheColonAndKeepsFurtherSpaces() {
        String stream = "data:tight\n\ndata: spaced\n\ndata:  two spaces\n\ndata:\n\ndata\n\n";

        assertThat(readAll(stream)).extracting(Event::data)
                .containsExactly("tight", "spaced", " two spaces", "", "");
    }

    @Test
    void skipsCommentsAndKeepAliveBlankLinesBetweenEvents() {
        String stream = ": ping\n\n\n\n:\ndata: a\n: a comment inside an event\ndata: b\n\n\n: ping\n\n\ndata: c\n\n";

        assertThat(readAll(stream)).containsExactly(Event.of("a\nb"), Event.of("c"));
    }

    @Test
    void resetsTheEventNameForEachEvent() {
        // given: a named event, an unnamed one, and a name whose event has no data (never dispatched)
        String stream = "event: message_start\ndata: 1\n\ndata: 2\n\nevent: ping\n\ndata: 3\n\nevent: done\ndata: 4\n\n";

        // when
        List<Event> events = readAll(stream);

        // then
        assertThat(events).extracting(Event::name).containsExactly("message_start", null, null, "done");
        assertThat(events).extracting(Event::data).containsExactly("1", "2", "3", "4");
    }

    @Test
    void keepsTheLastIdAcrossEvents() {
        String stream = "id: 7\ndata: a\n\ndata: b\n\nid:8\nevent: x\ndata: c\n\n";

        assertThat(readAll(stream)).containsExactly(
                new Event(null, "a", "7"), new Event(null, "b", "7"), new Event("x", "c", "8"));
    }

    @Test
    void ignoresUnknownFieldsAndRetry() {
        String stream = "retry: 3000\nfoo: bar\ndatum: not data\nDATA: wrong case\ndata: kept\n\n";

        assertThat(readAll(stream)).containsExactly(Event.of("kept"));
    }

    @Test
    void ignoresALeadingByteOrderMark() {
        String stream = "\uFEFFdata: first\n\ndata: second\n\n";

        assertThat(readAll(stream)).extracting(Event::data).containsExactly("first", "second");
    }

    @Test
    void dispatchesAFinalEventWithoutTheTrailingBlankLine() {
        assertThat(readAll("data: a\n\ndata: last\n")).containsExactly(Event.of("a"), Event.of("last"));
        assertThat(readAll("data: a\n\ndata: last\r\n")).containsExactly(Event.of("a"), Event.of("last"));
    }

    @Test
    void dropsAFinalLineCutOffMidLine() {
        assertThat(readAll("data: a\n\ndata: {\"choices\":[{\"delta\"")).containsExactly(Event.of("a"));
    }

    @Test
    void dropsTheWholeFinalEventWhenItsLastLineIsCutOff() {
        // the event's first line arrived whole, its second was cut: half an event is not an event
        assertThat(readAll("data: a\n\ndata: {\ndata: \"x\": 1")).containsExactly(Event.of("a"));
    }

    @Test
    void reportsTheEndOfAnEmptyOrCommentOnlyStream() {
        assertThat(readAll("")).isEmpty();
        assertThat(readAll(": ping\n\n: ping\n")).isEmpty();
        assertThat(readAll("event: orphan\n\n")).isEmpty();
    }

    @Test
    void comparesDataWithoutDecodingIt() throws IOException {
        SseReader sse = new SseReader(SlicedInputStream.whole(
                utf8("data: [DONE]\n\ndata: [DONE] \n\ndata: [DONE]x\n\ndata: [DO\ndata: NE]\n\ndata: [DONE]\n\n")));
        byte[] done = "[DONE]".getBytes(StandardCharsets.US_ASCII);
        List<Boolean> equal = new ArrayList<>();
        while (sse.next()) {
            equal.add(sse.dataEquals(done));
        }

        assertThat(equal).containsExactly(true, false, false, false, true);
    }

    @Test
    void exposesTheDataBytesForParsingWithoutAString() throws IOException {
        SseReader sse = new SseReader(SlicedInputStream.whole(utf8("data: {\"a\":1}\n\n")));

        assertThat(sse.next()).isTrue();

        assertThat(new String(sse.dataBuffer(), 0, sse.dataLength(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    }

    @Test
    void readsEventsLargerThanItsBuffers() {
        // given: one 100 KiB line (past the 8 KiB line buffer) and an event of 3 x 20 KiB lines (past 4 KiB data)
        String big = "x".repeat(100 * 1024);
        String part = "y".repeat(20 * 1024);
        String stream = "data: " + big + "\n\ndata: " + part + "\ndata: " + part + "\ndata: " + part + "\n\ndata: small\n\n";

        // when
        List<Event> events = readAll(SlicedInputStream.randomSlices(utf8(stream), 42, 3000));

        // then
        assertThat(events).extracting(Event::data)
                .containsExactly(big, part + "\n" + part + "\n" + part, "small");
    }

    @Test
    @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void readsALargeLineDeliveredOneByteAtATimeInLinearTime() {
        // rescanning the whole pending line on every read made this take tens of seconds
        String big = "z".repeat(300 * 1024);

        List<Event> events = readAll(SlicedInputStream.oneByteAtATime(utf8("data: " + big + "\n\n")));

        assertThat(events).extracting(Event::data).containsExactly(big);
    }

    /** A stream exercising every feature, to be read whatever the read boundaries. */
    private static final String RICH = ": keep-alive\r\n\r\n"
            + "event: message_start\r\ndata: {\"type\":\"message_start\"}\r\n\r\n"
            + "id: 42\rdata: héllo wörld ✓\rdata: 😀 emoji\r\r"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"Ελληνικά 日本語\"}}]}\n\n"
            + "retry: 10\nunknown: field\ndata:no-space\n\n"
            + "data: [DONE]\r\n";

    private static final List<Event> RICH_EVENTS = List.of(
            new Event("message_start", "{\"type\":\"message_start\"}", null),
            new Event(null, "héllo wörld ✓\n😀 emoji", "42"),
            new Event(null, "{\"choices\":[{\"delta\":{\"content\":\"Ελληνικά 日本語\"}}]}", "42"),
            new Event(null, "no-space", "42"),
            new Event(null, "[DONE]", "42"));

    @Test
    void readsTheSameEventsWhenTheStreamArrivesInOnePiece() {
        assertThat(readAll(RICH)).isEqualTo(RICH_EVENTS);
    }

    @Test
    void readsTheSameEventsWhenTheStreamArrivesOneByteAtATime() {
        // one byte per read splits every CRLF and every multi-byte UTF-8 character between reads
        assertThat(readAll(SlicedInputStream.oneByteAtATime(utf8(RICH)))).isEqualTo(RICH_EVENTS);
    }

    @Test
    void readsTheSameEventsWhateverByteTheStreamIsSplitAt() {
        byte[] bytes = utf8(RICH);
        for (int at = 0; at <= bytes.length; at++) {
            assertThat(readAll(SlicedInputStream.splitAt(bytes, at))).as("split at byte %d", at).isEqualTo(RICH_EVENTS);
        }
    }

    @Test
    void readsTheSameEventsFromRandomlySizedReads() {
        byte[] bytes = utf8(RICH);
        for (long seed = 1; seed <= 50; seed++) {
            assertThat(readAll(SlicedInputStream.randomSlices(bytes, seed, 7))).as("seed %d", seed).isEqualTo(RICH_EVENTS);
        }
    }

    @Test
    void keepsACrlfSplitBetweenReadsAsOneLineEnd() {
        // given: the CR ends the first read, the LF starts the second; a second LF would be a blank line
        byte[] bytes = utf8("data: a\r\ndata: b\r\n\r\n");
        int afterCr = "data: a\r".length();

        // when
        List<Event> events = readAll(SlicedInputStream.splitAt(bytes, afterCr));

        // then
        assertThat(events).containsExactly(Event.of("a\nb"));
    }

    @Test
    void decodesMultiByteCharactersSplitAcrossReads() {
        String text = "ü€😀";
        byte[] bytes = utf8("data: " + text + "\n\n");
        for (int at = "data: ".length(); at < bytes.length; at++) {
            assertThat(readAll(SlicedInputStream.splitAt(bytes, at))).as("split at %d", at).containsExactly(Event.of(text));
        }
    }
}
