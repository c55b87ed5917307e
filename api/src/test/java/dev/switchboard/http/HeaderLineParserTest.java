package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.message.BasicLineParser;
import org.apache.hc.core5.http.message.StatusLine;
import org.apache.hc.core5.util.CharArrayBuffer;
import org.junit.jupiter.api.Test;

/** Every line reads as HttpCore's own parser reads it: the same header or status, or the same failure. */
class HeaderLineParserTest {

    private static CharArrayBuffer line(String text) {
        CharArrayBuffer b = new CharArrayBuffer(text.length());
        b.append(text);
        return b;
    }

    private interface Parse {
        Object parse(CharArrayBuffer line) throws ParseException;
    }

    private static String outcome(Parse parse, String text) {
        try {
            Object parsed = parse.parse(line(text));
            if (parsed instanceof Header h) {
                return "header [" + h.getName() + "] [" + h.getValue() + "]";
            }
            StatusLine s = (StatusLine) parsed;
            return "status " + s.getProtocolVersion() + " " + s.getStatusCode() + " [" + s.getReasonPhrase() + "]";
        } catch (ParseException e) {
            return "fails: " + e.getMessage();
        }
    }

    @Test
    void headerLinesReadAsHttpCoreReadsThem() {
        for (String text : List.of("Content-Type: application/json", "x-ratelimit-remaining-requests:59",
                "Set-Cookie:  a=b; Path=/  ", "X-Empty:", "X-Empty:   ", "  Leading: space", "\tTabbed:\tvalue\t",
                "Two Words: value", "Space-Before-Colon : value", "NoColon", ": no name", "   : no name", "", "   ",
                "X-Colons: a:b:c", "Name:value:with:colons", "X-Unicode: h\u00e9llo")) {
            assertThat(outcome(HeaderLineParser.INSTANCE::parseHeader, text)).as(text)
                    .isEqualTo(outcome(BasicLineParser.INSTANCE::parseHeader, text));
        }
    }

    @Test
    void statusLinesReadAsHttpCoreReadsThem() {
        for (String text : List.of("HTTP/1.1 200 OK", "HTTP/1.1 200", "HTTP/1.1 200 ", "HTTP/1.1 404 Not Found  ",
                "HTTP/1.1 429 Too Many Requests", "HTTP/1.1  200 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 20 OK",
                "HTTP/1.1 2x0 OK", "HTTP/1.0 200 OK", "HTTP/2 200", "http/1.1 200 OK", " HTTP/1.1 200 OK",
                "HTTP/1.1 200\tOK", "HTTP/1.1", "HTTP/1.1 ", "garbage")) {
            assertThat(outcome(HeaderLineParser.INSTANCE::parseStatusLine, text)).as(text)
                    .isEqualTo(outcome(BasicLineParser.INSTANCE::parseStatusLine, text));
        }
    }
}
