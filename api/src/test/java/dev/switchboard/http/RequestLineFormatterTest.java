package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.message.BasicLineFormatter;
import org.apache.hc.core5.http.message.RequestLine;
import org.apache.hc.core5.util.CharArrayBuffer;
import org.junit.jupiter.api.Test;

/** Every request line is written as HttpCore writes it. */
class RequestLineFormatterTest {

    private static String written(BasicLineFormatter formatter, RequestLine line) {
        CharArrayBuffer buffer = new CharArrayBuffer(16);
        buffer.append("kept:");
        formatter.formatRequestLine(buffer, line);
        return buffer.toString();
    }

    @Test
    void requestLinesAreWrittenAsHttpCoreWritesThem() {
        for (ProtocolVersion version : List.of(HttpVersion.HTTP_1_1, HttpVersion.HTTP_1_0, HttpVersion.HTTP_0_9,
                HttpVersion.HTTP_2, new ProtocolVersion("HTTP", 1, 1), new ProtocolVersion("FOO", 1, 1))) {
            for (String method : List.of("POST", "GET", "DELETE")) {
                for (String uri : List.of("/v1/chat/completions", "/openai/deployments/x/chat/completions?api-version=1",
                        "*", "")) {
                    RequestLine line = new RequestLine(method, uri, version);
                    assertThat(written(RequestLineFormatter.INSTANCE, line)).as("%s", line)
                            .isEqualTo(written(BasicLineFormatter.INSTANCE, line));
                }
            }
        }
    }
}
