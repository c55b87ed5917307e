package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.nio.DefaultHttpResponseWriter;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.NHttpMessageWriter;
import org.apache.hc.core5.http.nio.SessionOutputBuffer;
import org.junit.jupiter.api.Test;

/** The gateway's answer-head writer puts out the same bytes as HttpCore's for every status, reason and version. */
class ResponseHeadWriterTest {

    private static final int[] STATUSES = {100, 101, 200, 201, 204, 304, 400, 401, 404, 413, 414, 429, 431, 500, 502,
        503, 599, 999, 1000, 99};
    private static final String[] REASONS = {null, "", "OK", "Too Many Requests", "Weird \r\n reason"};

    @Test
    void writesTheSameBytesAsHttpCore() throws Exception {
        int compared = 0;
        for (Http1Config config : new Http1Config[] {Http1Config.DEFAULT,
                Http1Config.custom().setVersion(HttpVersion.HTTP_1_0).build()}) {
            NHttpMessageWriter<HttpResponse> ours = ResponseHeadWriter.factory(config).create();
            NHttpMessageWriter<HttpResponse> theirs = new DefaultHttpResponseWriter<>(null, config);
            for (int status : STATUSES) {
                for (String reason : REASONS) {
                    for (int headers = 0; headers < 3; headers++) {
                        assertThat(written(ours, response(status, reason, headers)))
                                .as("%s %s %s", status, reason, headers)
                                .isEqualTo(written(theirs, response(status, reason, headers)));
                        compared++;
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(200);
    }

    @Test
    void theUsualStatusLine() throws Exception {
        NHttpMessageWriter<HttpResponse> ours = ResponseHeadWriter.factory(Http1Config.DEFAULT).create();
        assertThat(written(ours, response(200, "OK", 1))).startsWith("HTTP/1.1 200 OK\r\nx-0: v0\r\n\r\n");
        assertThat(written(ours, response(429, null, 0))).isEqualTo("HTTP/1.1 429 Too Many Requests\r\n\r\n");
        assertThat(written(ours, response(299, "", 0))).isEqualTo("HTTP/1.1 299 \r\n\r\n");
    }

    private static BasicHttpResponse response(int status, String reason, int headers) {
        BasicHttpResponse response = new BasicHttpResponse(200);
        response.setCode(status); // BasicHttpResponse refuses some of these in its constructor only
        response.setReasonPhrase(reason);
        for (int i = 0; i < headers; i++) {
            response.addHeader("x-" + i, "v" + i);
        }
        return response;
    }

    /** The session buffer HttpCore's server connection writes into (package-private in HttpCore: by reflection). */
    private static SessionOutputBuffer output() throws ReflectiveOperationException {
        Constructor<?> made = Class.forName("org.apache.hc.core5.http.impl.nio.SessionOutputBufferImpl")
                .getDeclaredConstructor(int.class, int.class);
        made.setAccessible(true);
        return (SessionOutputBuffer) made.newInstance(1024, 512);
    }

    private static String written(NHttpMessageWriter<HttpResponse> writer, HttpResponse response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            SessionOutputBuffer buffer = output();
            writer.write(response, buffer);
            buffer.flush(Channels.newChannel(out));
            return out.toString(StandardCharsets.ISO_8859_1);
        } catch (Exception | Error e) {
            return e.getClass().getName() + ": " + e.getMessage();
        } finally {
            writer.reset();
        }
    }
}
