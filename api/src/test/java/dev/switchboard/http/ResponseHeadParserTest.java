package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hc.client5.http.impl.io.LenientHttpResponseParser;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.SessionInputBufferImpl;
import org.apache.hc.core5.http.io.HttpMessageParser;
import org.apache.hc.core5.http.message.BasicLineParser;
import org.junit.jupiter.api.Test;

/**
 * Every answer head on a connection reads as HttpClient's own parser reads it (HttpCore's header parsing with
 * {@link BasicLineParser}, under the lenient status line handling HttpClient uses): the same status, the same headers
 * in order, the same failure, and the next head read from the same place, over generated sequences of heads on one
 * connection.
 */
class ResponseHeadParserTest {

    private static final Http1Config TRANSPORT = Http1Config.custom()
            .setMaxLineLength(HttpTransport.MAX_HEAD_LINE_BYTES)
            .setMaxHeaderCount(HttpTransport.MAX_HEADER_FIELDS)
            .build();
    /** Small limits, so that the generated heads cross them. */
    private static final Http1Config TIGHT = Http1Config.custom().setMaxLineLength(120).setMaxHeaderCount(12)
            .setMaxEmptyLineCount(3).build();

    private static final List<String> STATUS_LINES = List.of("HTTP/1.1 200 OK", "HTTP/1.1 200", "HTTP/1.1 200 ",
            "HTTP/1.1 200 OK ", "HTTP/1.1 200  OK", "HTTP/1.1 200\tOK", "HTTP/1.1 200 OKAY", "HTTP/1.1 200 O",
            "HTTP/1.1 201 Created", "HTTP/1.1 404 Not Found  ", "HTTP/1.1 429 Too Many Requests", "HTTP/1.0 200 OK",
            "HTTP/1.1 500 Internal Server Error", "HTTP/1.1 2x0 OK", "HTTP/2 200", "http/1.1 200 OK", "garbage",
            " HTTP/1.1 200 OK", "HTTP/1.1 2000 OK");

    private static final List<String> NAMES = List.of("Content-Type", "content-length", "Date", "Server",
            "x-ratelimit-remaining-requests", "openai-processing-ms", "x-request-id", "Set-Cookie", "X-Empty",
            "Transfer-Encoding", "Connection", "cf-ray", "X-Colon:Inside");

    private static final List<String> VALUES = List.of("application/json", "123", "Sun, 06 Dec 2026 22:00:00 GMT",
            "Sun, 06 Dec 2026 22:00:01 GMT", "cloudflare", "59", "req_abc123", "a=b; Path=/; HttpOnly", "", "chunked",
            "keep-alive", "close", "a:b:c", "h\u00e9llo", "value with  inner   spaces", "x".repeat(300));

    private static String describe(ClassicHttpResponse response) {
        if (response == null) {
            return "no answer";
        }
        StringBuilder b = new StringBuilder()
                .append(response.getVersion()).append(' ').append(response.getCode())
                .append(" [").append(response.getReasonPhrase()).append(']');
        for (Header h : response.getHeaders()) {
            b.append("\n[").append(h.getName()).append("] [").append(h.getValue()).append(']');
        }
        return b.toString();
    }

    /** The outcome of each head read in turn from {@code bytes} on one connection, up to the first failure. */
    private static List<String> readAll(HttpMessageParser<ClassicHttpResponse> parser, Http1Config config, byte[] bytes,
                                        int heads) {
        SessionInputBufferImpl buffer = new SessionInputBufferImpl(8192, config.getMaxLineLength());
        InputStream in = new ByteArrayInputStream(bytes);
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < heads; i++) {
            try {
                outcomes.add(describe(parser.parse(buffer, in)));
            } catch (IOException | HttpException | RuntimeException e) {
                outcomes.add("fails: " + e.getClass().getName() + ": " + e.getMessage());
                break;
            }
        }
        return outcomes;
    }

    private static List<String> httpClients(Http1Config config, byte[] bytes, int heads) {
        return readAll(new LenientHttpResponseParser(BasicLineParser.INSTANCE, null, config), config, bytes, heads);
    }

    private static List<String> ours(Http1Config config, byte[] bytes, int heads) {
        return readAll(new ResponseHeadParser(config), config, bytes, heads);
    }

    /** One answer head: maybe empty or garbage lines first, a status line, header lines, an empty line. */
    private static String head(Random random, List<String> previousLines, List<String> lines, String eol) {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(4) == 0 ? random.nextInt(3) : 0; i > 0; i--) {
            b.append(random.nextBoolean() ? "" : "garbage before the status").append(eol);
        }
        b.append(random.nextInt(3) == 0 ? STATUS_LINES.get(random.nextInt(STATUS_LINES.size())) : "HTTP/1.1 200 OK")
                .append(eol);
        int count = random.nextInt(4) == 0 ? random.nextInt(20) : previousLines.size() + random.nextInt(3) - 1;
        for (int i = 0; i < Math.max(count, 0); i++) {
            String line = i < previousLines.size() && random.nextInt(3) > 0 ? previousLines.get(i) : headerLine(random, i);
            lines.add(line);
            b.append(line).append(eol);
        }
        return b.append(eol).toString();
    }

    private static String headerLine(Random random, int index) {
        String name = NAMES.get(random.nextInt(NAMES.size()));
        String value = VALUES.get(random.nextInt(VALUES.size()));
        return switch (random.nextInt(14)) {
            case 0 -> name + ":" + value;
            case 1 -> name + ":   " + value + "  ";
            case 2 -> name + " : " + value;
            case 3 -> " " + name + ": " + value; // a folded line unless it is the first
            case 4 -> "\t" + value;
            case 5 -> name;
            case 6 -> ": " + value;
            case 7 -> name + ":\t" + value + "\t";
            case 8 -> "Two Words: " + value;
            case 9 -> name + ": " + value + value + value; // long enough to cross the tight line limit
            default -> name + ": " + value;
        };
    }

    @Test
    void generatedHeadsOnOneConnectionReadAsHttpClientReadsThem() {
        Random random = new Random(12);
        int compared = 0;
        for (int sequence = 0; sequence < 3000; sequence++) {
            Http1Config config = sequence % 3 == 0 ? TIGHT : TRANSPORT;
            String eol = sequence % 7 == 0 ? "\n" : "\r\n";
            StringBuilder text = new StringBuilder();
            List<String> previous = List.of();
            int heads = 1 + random.nextInt(6);
            for (int h = 0; h < heads; h++) {
                List<String> lines = new ArrayList<>();
                text.append(head(random, previous, lines, eol));
                previous = lines;
            }
            if (random.nextInt(10) == 0) {
                text.setLength(random.nextInt(text.length() + 1)); // cut short: the connection closes mid-head
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
            assertThat(ours(config, bytes, heads + 1)).as(text.toString())
                    .isEqualTo(httpClients(config, bytes, heads + 1));
            compared++;
        }
        assertThat(compared).isEqualTo(3000);
    }

    @Test
    void unusualHeadsReadAsHttpClientReadsThem() {
        List<String> heads = List.of(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n  ; charset=utf-8\r\n\tand more\r\n\r\n",
                "HTTP/1.1 200 OK\r\n folded-first: x\r\n\r\n",
                "\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
                "garbage\r\nmore garbage\r\nHTTP/1.1 200 OK\r\nA: b\r\n\r\n",
                "HTTP/1.1 200 OK\r\nA: " + "v".repeat(70_000) + "\r\n\r\n",
                "HTTP/1.1 200 OK\r\n" + "X-Many: 1\r\n".repeat(300) + "\r\n",
                "HTTP/1.1 200 OK\r\nA: b\r\n",
                "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
                "HTTP/1.1 200 OK\r\nA: " + "v".repeat(2000) + "\r\nB: c\r\n\r\nHTTP/1.1 200 OK\r\nA: d\r\nB: c\r\n\r\n",
                "");
        for (String head : heads) {
            byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
            assertThat(ours(TRANSPORT, bytes, 3)).as(head).isEqualTo(httpClients(TRANSPORT, bytes, 3));
        }
    }

    @Test
    void aHeaderTheConnectionsPreviousAnswerHadAtTheSamePlaceIsTheSameHeader() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: %s\r\nServer: x\r\n\r\n";
        byte[] bytes = (head.formatted("one") + head.formatted("two")).getBytes(StandardCharsets.ISO_8859_1);
        SessionInputBufferImpl buffer = new SessionInputBufferImpl(8192, 1024);
        InputStream in = new ByteArrayInputStream(bytes);
        ResponseHeadParser parser = new ResponseHeadParser(TRANSPORT);

        Header[] first = parser.parse(buffer, in).getHeaders();
        Header[] second = parser.parse(buffer, in).getHeaders();

        assertThat(second[0]).isSameAs(first[0]);
        assertThat(second[1]).isNotSameAs(first[1]);
        assertThat(second[1].getValue()).isEqualTo("two");
        assertThat(second[2]).isSameAs(first[2]);
    }
}
