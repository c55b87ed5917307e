package dev.switchboard.gateway;

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
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.RequestHeaderFieldsTooLargeException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.nio.DefaultHttpRequestParserFactory;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.message.BufferedHeader;
import org.apache.hc.core5.http.nio.NHttpMessageParser;
import org.apache.hc.core5.http.nio.SessionInputBuffer;
import org.junit.jupiter.api.Test;

/**
 * The gateway's request-head parser reads every head as HttpCore's own parser does: the same request (method,
 * scheme, authority, path, version), the same header names and values in the same order, the same exception (class
 * and message) for a malformed head or one over a limit, and the same bytes left unread, whatever the head and
 * however its bytes arrive. Heads come from a seeded generator mixing the usual lines with unusual ones (folded,
 * odd whitespace, no colon, NUL, other versions, absolute and invalid targets, empty lines first), one after another
 * on one connection as a kept-alive client sends them.
 */
class RequestHeadParserTest {

    private static final String[] REQUEST_LINES = {
        "POST /v1/chat/completions HTTP/1.1", "GET /v1/models HTTP/1.1", "GET /health HTTP/1.0",
        "POST /v1/chat/completions?x=1&y=%20 HTTP/1.1", "GET http://example.com:8080/v1/models?a=b HTTP/1.1",
        "OPTIONS * HTTP/1.1", "GET /a%zz HTTP/1.1", "GET /a|b HTTP/1.1", "GET //double HTTP/1.1",
        "GET http://user@host/x HTTP/1.1", "CONNECT example.com:443 HTTP/1.1", "GET  /two-spaces HTTP/1.1",
        " GET /leading HTTP/1.1", "GET /trailing HTTP/1.1 ", "GET\t/tab HTTP/1.1", "GET /x HTTP/2.0", "GET /x HTTP/1.2",
        "GET /x http/1.1", "GET /x HTTP/1.10", "GET /x HTTP/1", "GET /x", "GET", "GET /x HTTP/1.1 extra",
        "G\u00e9T /latin1 HTTP/1.1", "GET /x\rHTTP/1.1", "POST /v1/chat/completions HTTP/1.1\r",
    };
    private static final String[] USUAL_HEADERS = {
        "Host: 127.0.0.1:8080", "host: localhost", "Content-Type: application/json", "Accept: */*",
        "Authorization: Bearer sk-local-123", "User-Agent: OpenAI/Python 1.54.0", "Connection: keep-alive",
        "Accept-Encoding: gzip, deflate", "X-Request-Id: 42", "Content-Length: 137", "Content-Length: 0",
        "Expect: 100-continue", "Transfer-Encoding: chunked", "traceparent: 00-abc-def-01",
    };
    private static final String[] ODD_HEADERS = {
        "Name:value", "Name:   spaced   ", "Name:\tTabbed\t", "Name :value", "Name\t: value", " Leading: space",
        "\tLeading: tab", "NoColon", ": empty name", "Empty:", "Empty: ", "Nul: a\u0000b", "Cr: a\rb", "Colon: a:b:c",
        "  folded continuation", "\tfolded with tab", " ", "Name: trailing CR\r", "Na me: inner space",
        "X-Latin1: caf\u00e9", "Many:     ",
    };

    private static final Http1Config DEFAULT = Http1Config.custom().setMaxLineLength(9216).setMaxHeaderCount(101)
            .build();
    private static final Http1Config TIGHT = Http1Config.custom().setMaxLineLength(48).setMaxHeaderCount(4)
            .setMaxEmptyLineCount(3).build();

    @Test
    void readsGeneratedHeadsAsHttpCoreDoes() throws Exception {
        Random random = new Random(20261206);
        int compared = 0;
        for (Http1Config config : new Http1Config[] {DEFAULT, TIGHT}) {
            for (int connection = 0; connection < 1500; connection++) {
                List<String> heads = new ArrayList<>();
                int requests = 1 + random.nextInt(4);
                for (int r = 0; r < requests; r++) {
                    heads.add(head(random));
                }
                compare(config, String.join("", heads), random, heads);
                compared += requests;
            }
        }
        assertThat(compared).isGreaterThan(5000);
    }

    @Test
    void aKeptAliveClientsRepeatedHeadersAreReadOnceAndShared() throws Exception {
        String first = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
                + "Content-Length: 137\r\n\r\n";
        String second = first.replace("137", "20");
        NHttpMessageParser<HttpRequest> parser = RequestHeadParser.factory(DEFAULT).create();
        SessionInputBuffer input = input(DEFAULT);
        put(input, (first + second).getBytes(StandardCharsets.ISO_8859_1), 0, (first + second).length());
        HttpRequest one = parser.parse(input, false);
        parser.reset();
        HttpRequest two = parser.parse(input, false);

        assertThat(one.getHeaders()).allMatch(h -> h instanceof BasicHeader);
        assertThat(two.getFirstHeader("Host")).isSameAs(one.getFirstHeader("Host"));
        assertThat(two.getFirstHeader("Content-Type")).isSameAs(one.getFirstHeader("Content-Type"));
        assertThat(two.getFirstHeader("Content-Length").getValue()).isEqualTo("20");
        assertThat(two.getFirstHeader("Content-Length").getName())
                .isSameAs(one.getFirstHeader("Content-Length").getName());
        assertThat(two.getPath()).isSameAs(one.getPath());
        assertThat(two).isNotSameAs(one);
    }

    @Test
    void unusualLinesAreLeftToHttpCore() throws Exception {
        String head = "GET /x HTTP/1.1\r\nName :value\r\nFolded: a\r\n  b\r\nNul: a\u0000b\r\n\r\n";
        NHttpMessageParser<HttpRequest> parser = RequestHeadParser.factory(DEFAULT).create();
        SessionInputBuffer input = input(DEFAULT);
        byte[] usable = head.replace("Name :value\r\n", "").getBytes(StandardCharsets.ISO_8859_1);
        put(input, usable, 0, usable.length);
        HttpRequest request = parser.parse(input, false);

        assertThat(request.getFirstHeader("Folded").getValue()).isEqualTo("a b");
        assertThat(request.getFirstHeader("Nul")).isInstanceOf(BufferedHeader.class);
        assertThat(request.getFirstHeader("Nul").getValue()).isEqualTo("a b");
        assertThat(outcome(DefaultHttpRequestParserFactory.INSTANCE.create(), DEFAULT, head))
                .isEqualTo(outcome(RequestHeadParser.factory(DEFAULT).create(), DEFAULT, head))
                .startsWith("org.apache.hc.core5.http.ParseException: Invalid header");
    }

    @Test
    void headsOverTheLimitsAreRefusedAsHttpCoreRefusesThem() throws Exception {
        String longLine = "GET /" + "a".repeat(60) + " HTTP/1.1\r\n\r\n";
        String manyHeaders = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n";
        String longFold = "GET / HTTP/1.1\r\nA: " + "x".repeat(30) + "\r\n " + "y".repeat(30) + "\r\n\r\n";
        String emptyLines = "\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n";
        for (String head : List.of(longLine, manyHeaders, longFold, emptyLines)) {
            String ours = outcome(RequestHeadParser.factory(TIGHT).create(), TIGHT, head);
            assertThat(ours).as(head)
                    .isEqualTo(outcome(new DefaultHttpRequestParserFactory(TIGHT).create(), TIGHT, head))
                    .startsWith(RequestHeaderFieldsTooLargeException.class.getName());
        }
    }

    /** A request line, 0 to 8 header lines (mostly usual, some odd), the empty line; sometimes empty lines first. */
    private static String head(Random random) {
        StringBuilder head = new StringBuilder();
        if (random.nextInt(20) == 0) {
            head.append("\r\n".repeat(1 + random.nextInt(4)));
        }
        head.append(random.nextInt(3) > 0 ? REQUEST_LINES[0] : REQUEST_LINES[random.nextInt(REQUEST_LINES.length)]);
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
     * what each returned or threw, the request it made and the bytes left.
     */
    private static void compare(Http1Config config, String bytes, Random random, List<String> heads) throws Exception {
        long seed = random.nextLong();
        List<String> ours = run(RequestHeadParser.factory(config).create(), config, bytes, new Random(seed));
        List<String> theirs = run(new DefaultHttpRequestParserFactory(config).create(), config, bytes,
                new Random(seed));
        assertThat(ours).as("%s", heads).isEqualTo(theirs);
    }

    private static List<String> run(NHttpMessageParser<HttpRequest> parser, Http1Config config, String text,
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
                HttpRequest request;
                while ((request = parser.parse(input, end)) != null) {
                    steps.add(describe(request) + " left " + input.length());
                    parser.reset();
                    if (!input.hasData()) {
                        break;
                    }
                }
                steps.add("null left " + input.length());
            }
        } catch (Exception e) {
            steps.add(e.getClass().getName() + ": " + e.getMessage() + " left " + input.length());
        }
        return steps;
    }

    private static String outcome(NHttpMessageParser<HttpRequest> parser, Http1Config config, String head) {
        SessionInputBuffer input = input(config);
        try {
            put(input, head.getBytes(StandardCharsets.ISO_8859_1), 0, head.length());
            return describe(parser.parse(input, false));
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    /**
     * The session buffer HttpCore's server connection reads into, with the same limits (the class is package-private
     * in HttpCore: made by reflection, the tests run on the class path).
     */
    static SessionInputBuffer input(Http1Config config) {
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

    private static String describe(HttpRequest request) {
        if (request == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder();
        s.append(request.getMethod()).append(" | ").append(request.getScheme()).append(" | ")
                .append(request.getAuthority()).append(" | ").append(request.getPath()).append(" | ")
                .append(request.getRequestUri()).append(" | ").append(request.getVersion());
        for (Header h : request.getHeaders()) {
            s.append(" | [").append(h.getName()).append("]=[").append(h.getValue()).append("] ")
                    .append(h.isSensitive());
        }
        return s.toString();
    }
}
