package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpRequestInterceptor;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.nio.DefaultHttpRequestParserFactory;
import org.apache.hc.core5.http.nio.NHttpMessageParser;
import org.apache.hc.core5.http.nio.SessionInputBuffer;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http.protocol.RequestValidateHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What reading a request head costs an I/O thread, in one thread: HttpCore's parser and Host step against the
 * gateway's, on the head HttpClient 5 sends the gateway benchmark's requests with, one connection's heads after
 * another. Prints nanoseconds per head (bytes put into the session buffer included), the median of rounds that
 * alternate the two; asserts nothing about time. Run with
 * {@code mvn -o -pl gateway -am verify -Dtest=RequestHeadCostBench -Dsurefire.failIfNoSpecifiedTests=false -Dbench=true}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class RequestHeadCostBench {

    private static final int ROUNDS = 7;
    private static final int PER_ROUND = 200_000;
    private static final byte[] HEAD = ("POST /v1/chat/completions HTTP/1.1\r\nAccept-Encoding: gzip, x-gzip, deflate\r\n"
            + "Content-Length: 150\r\nContent-Type: application/json; charset=UTF-8\r\nHost: 127.0.0.1:18080\r\n"
            + "Connection: keep-alive\r\nUser-Agent: Apache-HttpClient/5.5 (Java/17)\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void measuresHttpCoresHeadReadingAgainstTheGateways() throws Exception {
        Http1Config config = Http1Config.custom().setMaxLineLength(9216).setMaxHeaderCount(101).build();
        long[] theirs = new long[ROUNDS];
        long[] ours = new long[ROUNDS];
        long sink = 0;
        NHttpMessageParser<HttpRequest> httpCore = new DefaultHttpRequestParserFactory(config).create();
        NHttpMessageParser<HttpRequest> gateway = RequestHeadParser.factory(config).create();
        for (int r = 0; r < ROUNDS; r++) {
            long t0 = System.nanoTime();
            sink += heads(httpCore, RequestValidateHost.INSTANCE, config);
            long t1 = System.nanoTime();
            sink += heads(gateway, HostAuthority.INSTANCE, config);
            long t2 = System.nanoTime();
            theirs[r] = (t1 - t0) / PER_ROUND;
            ours[r] = (t2 - t1) / PER_ROUND;
        }
        Arrays.sort(theirs);
        Arrays.sort(ours);
        System.out.printf("per request head, one thread: HttpCore %d ns (rounds %s), gateway %d ns (rounds %s)%n",
                theirs[ROUNDS / 2], Arrays.toString(theirs), ours[ROUNDS / 2], Arrays.toString(ours));
        assertThat(sink).isNotZero();
    }

    private static long heads(NHttpMessageParser<HttpRequest> parser, HttpRequestInterceptor host, Http1Config config)
            throws Exception {
        SessionInputBuffer input = RequestHeadParserTest.input(config);
        java.lang.reflect.Method put = input.getClass().getMethod("put", ByteBuffer.class);
        put.setAccessible(true);
        ByteBuffer head = ByteBuffer.wrap(HEAD);
        long sink = 0;
        for (int i = 0; i < PER_ROUND; i++) {
            put.invoke(input, head.rewind());
            HttpRequest request = parser.parse(input, false);
            parser.reset();
            host.process(request, null, HttpCoreContext.create());
            sink += request.getHeaders().length + request.getAuthority().getPort();
        }
        return sink;
    }
}
