package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.nio.DefaultHttpResponseParserFactory;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.message.BufferedHeader;
import org.apache.hc.core5.http.nio.NHttpMessageParser;
import org.apache.hc.core5.http.nio.SessionInputBuffer;
import org.junit.jupiter.api.Test;

/**
 * The non-blocking client's answer-head parser reads every head as HttpCore's own parser of that client does
 * ({@link DefaultHttpResponseParserFactory}'s): the same status, reason and version, the same header names and values
 * in the same order, the same exception (class and message) for a malformed head or one over a limit, and the same
 * bytes left unread, whatever the head and however its bytes arrive. Heads come from a seeded generator mixing the
 * usual lines with unusual ones (other status line shapes, folded lines, odd whitespace, no colon, NUL), one after
 * another on one connection as a kept-alive upstream sends them.
 */
class AnswerHeadParserTest {

    private static final String[] STATUS_LINES = {
        "HTTP/1.1 200 OK", "HTTP/1.1 200", "HTTP/1.1 200 ", "HTTP/1.0 200 OK", "HTTP/1.1 404 Not Found",
        "HTTP/1.1 429 Too Many Requests", "HTTP/1.1 500 Internal Server Error", "HTTP/1.1 100 Continue",
        "HTTP/1.1 200  OK", "HTTP/1.1 200 OK ", "HTTP/1.1 200\tOK", "HTTP/1.1  200 OK", " HTTP/1.1 200 OK",
        "HTTP/1.1 200 Ok fine\tthen", "HTTP/1.1 200OK", "HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 abc OK",
        "HTTP/1.1 000 Zero", "HTTP/1.1 099 Low", "HTTP/1.1 999 High", "HTTP/2.0 200 OK", "HTTP/1.2 200 OK",
        "http/1.1 200 OK", "HTTP/1.10 200 OK", "HTTP/1 200 OK", "HTTP/1.1", "HTTP/1.1 ", "garbage", "ICY 200 OK",
        "HTTP/1.1 200 caf\u00e9", "HTTP/1.1 200 OK\r", "HTTP/1.1 201 Created",
    };
    private static final String[] USUAL_HEADERS = {
        "Date: Mon, 07 Dec 2026 03:22:14 GMT", "Date: Mon, 07 Dec 2026 03:22:15 GMT", "Content-Type: application/json",
        "Content-Length: 312", "Content-Length: 0", "Connection: keep-alive", "Server: uvicorn",
        "x-request-id: req_8f2c", "x-request-id: req_91aa", "x-ratelimit-remaining-requests: 4999",
        "x-ratelimit-remaining-requests: 4998", "openai-processing-ms: 231", "Transfer-Encoding: chunked",
        "Set-Cookie: a=b; Path=/", "Cache-Control: no-cache, must-revalidate",
    };
    private static final String[] ODD_HEADERS = {
        "Name:value", "Name:   spaced   ", "Name:\tTabbed\t", "Name :value", "Name\t: value", " Leading: space",
        "\tLeading: tab", "NoColon", ": empty name", " : blank name", "Empty:", "Empty: ", "Nul: a\u0000b",
        "Cr: a\rb", "Colon: a:b:c", "  folded continuation", "\tfolded with tab", " ", "Name: trailing CR\r",
        "Na me: inner space", "X-Latin1: caf\u00e9", "Many:     ",
    };

    private static final Http1Config DEFAULT = HttpTransport.HTTP1;
    private static final Http1Config TIGHT = Http1Config.custom().setMaxLineLength(48).setMaxHeaderCount(4)
            .setMaxEmptyLineCount(3).build();

    @Test
    void readsGeneratedHeadsAsHttpCoreDoes() throws Exception {
        Random random = new Random(20261207);
        int compared = 0;
        for (Http1Config config : new Http1Config[] {DEFAULT, TIGHT}) {
            for (int connection = 0; connection < 1500; connection++) {
                List<String> heads = new ArrayList<>();
                int answers = 1 + random.nextInt(4);
                for (int r = 0; r < answers; r++) {
                    heads.add(head(random));
                }
                compare(config, String.join("", heads), random, heads);
                compared += answers;
            }
        }
        assertThat(compared).isGreaterThan(5000);
    }

    @Test
    void readsHeadsSplitAtEveryByteAsHttpCoreDoes() throws Exception {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>(List.of(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 345\r\n\r\n",
                "\r\nHTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\nFolded: a\r\n \t b\r\n\r\n",
                "HTTP/1.0 200\nName :value\nX: y\n\n"));
        for (int i = 0; i < 40; i++) {
            texts.add(head(random) + head(random));
        }
        for (Http1Config config : new Http1Config[] {DEFAULT, TIGHT}) {
            for (String text : texts) {
                for (int cut = 1; cut < text.length(); cut++) {
                    for (boolean ended : new boolean[] {false, true}) {
                        assertThat(split(AnswerHeadParser.factory(config).create(), config, text, cut, ended))
                                .as("%s cut at %d", text, cut)
                                .isEqualTo(split(new DefaultHttpResponseParserFactory(config).create(), config, text,
                                        cut, ended));
                    }
                }
            }
        }
    }

    @Test
    void aKeptAliveUpstreamsRepeatedHeadersAreReadOnceAndShared() throws Exception {
        String first = "HTTP/1.1 200 OK\r\nDate: Mon, 07 Dec 2026 03:22:14 GMT\r\nContent-Type: application/json\r\n"
                + "Content-Length: 312\r\n\r\n";
        String second = first.replace("312", "20").replace(":14 GMT", ":15 GMT");
        NHttpMessageParser<HttpResponse> parser = AnswerHeadParser.factory(DEFAULT).create();
        SessionInputBuffer input = input(DEFAULT);
        byte[] bytes = (first + second).getBytes(StandardCharsets.ISO_8859_1);
        put(input, bytes, 0, bytes.length);
        HttpResponse one = parser.parse(input, false);
        parser.reset();
        HttpResponse two = parser.parse(input, false);

        assertThat(one.getHeaders()).allMatch(h -> h instanceof BasicHeader);
        assertThat(two.getReasonPhrase()).isSameAs(one.getReasonPhrase());
        assertThat(two.getFirstHeader("Content-Type")).isSameAs(one.getFirstHeader("Content-Type"));
        assertThat(two.getFirstHeader("Content-Length").getValue()).isEqualTo("20");
        assertThat(two.getFirstHeader("Content-Length").getName())
                .isSameAs(one.getFirstHeader("Content-Length").getName());
        assertThat(two.getFirstHeader("Date").getValue()).endsWith(":15 GMT");
        assertThat(two).isNotSameAs(one);
    }

    @Test
    void aLongValueIsNotKeptForTheNextAnswer() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nX-Long: " + "v".repeat(300) + "\r\n\r\n";
        NHttpMessageParser<HttpResponse> parser = AnswerHeadParser.factory(DEFAULT).create();
        SessionInputBuffer input = input(DEFAULT);
        byte[] bytes = (head + head).getBytes(StandardCharsets.ISO_8859_1);
        put(input, bytes, 0, bytes.length);
        HttpResponse one = parser.parse(input, false);
        parser.reset();
        HttpResponse two = parser.parse(input, false);

        assertThat(two.getFirstHeader("X-Long").getValue()).isEqualTo(one.getFirstHeader("X-Long").getValue());
        assertThat(two.getFirstHeader("X-Long")).isNotSameAs(one.getFirstHeader("X-Long"));
    }

    @Test
    void unusualLinesAreLeftToHttpCore() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nName :value\r\nFolded: a\r\n  b\r\nNul: a\u0000b\r\nNoColon\r\n\r\n";
        NHttpMessageParser<HttpResponse> parser = AnswerHeadParser.factory(DEFAULT).create();
        SessionInputBuffer input = input(DEFAULT);
        byte[] usable = head.replace("NoColon\r\n", "").getBytes(StandardCharsets.ISO_8859_1);
        put(input, usable, 0, usable.length);
        HttpResponse response = parser.parse(input, false);

        assertThat(response.getFirstHeader("Name").getValue()).isEqualTo("value"); // the lax reading of the client
        assertThat(response.getFirstHeader("Folded").getValue()).isEqualTo("a b");
        assertThat(response.getFirstHeader("Nul")).isInstanceOf(BufferedHeader.class);
        assertThat(response.getFirstHeader("Nul").getValue()).isEqualTo("a b");
        assertThat(outcome(AnswerHeadParser.factory(DEFAULT).create(), DEFAULT, head))
                .isEqualTo(outcome(new DefaultHttpResponseParserFactory(DEFAULT).create(), DEFAULT, head))
                .startsWith("org.apache.hc.core5.http.ParseException: Invalid header");
    }

    @Test
    void headsOverTheLimitsAreRefusedAsHttpCoreRefusesThem() throws Exception {
        String longLine = "HTTP/1.1 200 " + "O".repeat(60) + "\r\n\r\n";
        String manyHeaders = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n";
        String longFold = "HTTP/1.1 200 OK\r\nA: " + "x".repeat(30) + "\r\n " + "y".repeat(30) + "\r\n\r\n";
        String emptyLines = "\r\n\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
        for (String head : List.of(longLine, manyHeaders, longFold, emptyLines)) {
            String ours = outcome(AnswerHeadParser.factory(TIGHT).create(), TIGHT, head);
            assertThat(ours).as(head)
                    .isEqualTo(outcome(new DefaultHttpResponseParserFactory(TIGHT).create(), TIGHT, head))
                    .startsWith(MessageConstraintException.class.getName());
        }
    }

    /** A status line, 0 to 8 header lines (mostly usual, some odd), the empty line; sometimes empty lines first. */
    private static String head(Random random) {
        StringBuilder head = new StringBuilder();
        if (random.nextInt(20) == 0) {
            head.append("\r\n".repeat(1 + random.nextInt(4)));
        }
        head.append(random.nextInt(3) > 0 ? STATUS_LINES[0] : STATUS_LINES[random.nextInt(STATUS_LINES.length)]);
        head.append(eol(random));
        int headers = random.nextInt(9);
        for (int i = 0; i < headers; i++) {
            String line = random.nextInt(6) > 0 ? USUAL_HEADERS[random.nextInt(USUAL_HEADERS.length)]
                    : ODD_HEADERS[random.nextInt(ODD_HEADERS.length)];
            if (random.nextInt(30) == 0) {
                line = line + " " + "z".repeat(random.nextInt(60));
            }
            head.append(line).append(eol(random));
        }
        return head.append(eol(random)).toString();
    }

    private static String eol(Random random) {
        return random.nextInt(10) == 0 ? "\n" : "\r\n";
    }

    /**
     * Feeds {@code bytes} in random pieces to a fresh connection's parser of each kind and compares, at every step,
     * what each returned or threw, the answer it made and the bytes left.
     */
    private static void compare(Http1Config config, String bytes, Random random, List<String> heads) throws Exception {
        long seed = random.nextLong();
        List<String> ours = run(AnswerHeadParser.factory(config).create(), config, bytes, new Random(seed));
        List<String> theirs = run(new DefaultHttpResponseParserFactory(config).create(), config, bytes,
                new Random(seed));
        assertThat(ours).as("%s", heads).isEqualTo(theirs);
    }

    private static List<String> run(NHttpMessageParser<HttpResponse> parser, Http1Config config, String text,
                                    Random pieces) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        SessionInputBuffer input = input(config);
        List<String> steps = new ArrayList<>();
        int at = 0;
        try {
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, 1 + pieces.nextInt(pieces.nextBoolean() ? 8 : 200));
                put(input, bytes, at, n);
                at += n;
                boolean end = at == bytes.length && pieces.nextInt(4) == 0;
                drain(parser, input, end, steps);
            }
        } catch (Exception e) {
            steps.add(e.getClass().getName() + ": " + e.getMessage() + " left " + input.length());
        }
        return steps;
    }

    /** The text in two pieces, cut at {@code cut}; the stream ends after the second when {@code ended}. */
    private static List<String> split(NHttpMessageParser<HttpResponse> parser, Http1Config config, String text,
                                      int cut, boolean ended) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        SessionInputBuffer input = input(config);
        List<String> steps = new ArrayList<>();
        try {
            put(input, bytes, 0, cut);
            drain(parser, input, false, steps);
            put(input, bytes, cut, bytes.length - cut);
            drain(parser, input, ended, steps);
        } catch (Exception e) {
            steps.add(e.getClass().getName() + ": " + e.getMessage() + " left " + input.length());
        }
        return steps;
    }

    /** Parses answers from what has arrived, as the client connection does, resetting after each. */
    private static void drain(NHttpMessageParser<HttpResponse> parser, SessionInputBuffer input, boolean end,
                              List<String> steps) throws Exception {
        HttpResponse response;
        while ((response = parser.parse(input, end)) != null) {
            steps.add(describe(response) + " left " + input.length());
            parser.reset();
            if (!input.hasData()) {
                break;
            }
        }
        steps.add("null left " + input.length());
    }

    private static String outcome(NHttpMessageParser<HttpResponse> parser, Http1Config config, String head) {
        SessionInputBuffer input = input(config);
        try {
            put(input, head.getBytes(StandardCharsets.ISO_8859_1), 0, head.length());
            return describe(parser.parse(input, false));
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    /**
     * The session buffer HttpCore's client connection reads into, with the same limits (the class is package-private
     * in HttpCore: made by reflection, the tests run on the class path).
     */
    private static SessionInputBuffer input(Http1Config config) {
        try {
            Constructor<?> made = Class.forName("org.apache.hc.core5.http.impl.nio.SessionInputBufferImpl")
                    .getDeclaredConstructor(int.class, int.class, int.class, CharsetDecoder.class);
            made.setAccessible(true);
            return (SessionInputBuffer) made.newInstance(config.getBufferSize(), Math.min(config.getBufferSize(), 512),
                    config.getMaxLineLength(), null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Bytes arriving from the connection, as the reactor fills the buffer. */
    private static void put(SessionInputBuffer input, byte[] bytes, int from, int length) throws IOException {
        ByteArrayInputStream arriving = new ByteArrayInputStream(bytes, from, length);
        ReadableByteChannel channel = Channels.newChannel(arriving);
        while (arriving.available() > 0) {
            input.fill(channel);
        }
    }

    private static String describe(HttpResponse response) {
        if (response == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder();
        s.append(response.getCode()).append(" | [").append(response.getReasonPhrase()).append("] | ")
                .append(response.getVersion());
        for (Header h : response.getHeaders()) {
            s.append(" | [").append(h.getName()).append("]=[").append(h.getValue()).append("] ")
                    .append(h.isSensitive());
        }
        return s.toString();
    }
}
