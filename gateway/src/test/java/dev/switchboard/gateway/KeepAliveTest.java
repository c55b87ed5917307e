package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.impl.BasicEntityDetails;
import org.apache.hc.core5.http.impl.DefaultConnectionReuseStrategy;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http.protocol.ResponseConnControl;
import org.junit.jupiter.api.Test;

/**
 * The short way for the usual Connection headers decides as HttpCore's own code: every combination of request and
 * answer below gets the same answer headers and the same reuse decision from both.
 */
class KeepAliveTest {

    private static final List<String[]> REQUEST_CONNECTION = List.of(new String[0], new String[] {"keep-alive"},
            new String[] {"Keep-Alive"}, new String[] {"close"}, new String[] {"keep-alive, close"},
            new String[] {"keep-alive", "close"}, new String[] {"keep-alive", "keep-alive"}, new String[] {"upgrade"});
    private static final List<String[]> RESPONSE_HEADERS = List.of(new String[0],
            new String[] {"Content-Length", "12"}, new String[] {"Content-Length", "12", "Content-Length", "12"},
            new String[] {"Transfer-Encoding", "chunked"}, new String[] {"Transfer-Encoding", "gzip"},
            new String[] {"Connection", "close", "Content-Length", "3"}, new String[] {"Upgrade", "h2c"},
            new String[] {"Content-Length", "0"}, new String[] {"Proxy-Connection", "close", "Content-Length", "12"},
            new String[] {"Proxy-Connection", "keep-alive", "Content-Length", "12"},
            new String[] {"Connection", "keep-alive", "Content-Length", "12"},
            new String[] {"Connection", "Keep-Alive", "Connection", "close", "Content-Length", "12"});
    private static final int[] STATUSES = {200, 204, 304, 400, 408, 413, 500, 503};
    private static final ProtocolVersion[] VERSIONS = {HttpVersion.HTTP_1_1, HttpVersion.HTTP_1_0};
    private static final String[] METHODS = {"POST", "GET", "HEAD"};

    @Test
    void decidesAsHttpCoreForEveryCombination() throws Exception {
        int compared = 0;
        for (ProtocolVersion version : VERSIONS) {
            for (String method : METHODS) {
                for (String[] asked : REQUEST_CONNECTION) {
                    for (String[] headers : RESPONSE_HEADERS) {
                        for (int status : STATUSES) {
                            for (long length : new long[] {12, -1}) {
                                compare(version, method, asked, headers, status, length);
                                compared++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(1000);
    }

    @Test
    void decidesTheUsualAnswerWithoutHttpCoresTokenParsing() throws Exception {
        // an HTTP/1.1 request without a Connection header, and the answer CONTROL leaves on it: no Connection header
        BasicHttpRequest request = new BasicHttpRequest("POST", "/v1/chat/completions") {
            @Override
            public Iterator<Header> headerIterator(String name) {
                throw new AssertionError("the request's " + name + " headers parsed into tokens");
            }
        };
        BasicHttpResponse answer = new BasicHttpResponse(200) {
            @Override
            public Iterator<Header> headerIterator(String name) {
                throw new AssertionError("the answer's " + name + " headers parsed into tokens");
            }
        };
        answer.addHeader("Content-Length", "12");
        HttpCoreContext context = context(request, HttpVersion.HTTP_1_1);
        KeepAlive.CONTROL.process(answer, new BasicEntityDetails(12, null), context);

        assertThat(answer.containsHeader("Connection")).isFalse();
        assertThat(KeepAlive.REUSE.keepAlive(request, answer, context)).isTrue();
    }

    private static void compare(ProtocolVersion version, String method, String[] asked, String[] headers, int status,
                                long length) throws Exception {
        BasicHttpRequest request = new BasicHttpRequest(method, "/v1/chat/completions");
        request.setVersion(version);
        for (String value : asked) {
            request.addHeader("Connection", value);
        }
        HttpResponse ours = response(status, headers);
        HttpResponse theirs = response(status, headers);
        BasicEntityDetails entity = new BasicEntityDetails(length, null);
        KeepAlive.CONTROL.process(ours, entity, context(request, version));
        ResponseConnControl.INSTANCE.process(theirs, entity, context(request, version));
        String what = version + " " + method + " " + Arrays.toString(asked) + " " + Arrays.toString(headers) + " "
                + status + " " + length;
        assertThat(names(ours)).as(what).isEqualTo(names(theirs));
        assertThat(KeepAlive.REUSE.keepAlive(request, ours, context(request, version))).as(what)
                .isEqualTo(DefaultConnectionReuseStrategy.INSTANCE.keepAlive(request, theirs,
                        context(request, version)));
    }

    private static HttpResponse response(int status, String[] headers) {
        BasicHttpResponse response = new BasicHttpResponse(status);
        for (int i = 0; i < headers.length; i += 2) {
            response.addHeader(headers[i], headers[i + 1]);
        }
        return response;
    }

    private static HttpCoreContext context(BasicHttpRequest request, ProtocolVersion version) {
        HttpCoreContext context = HttpCoreContext.create();
        context.setRequest(request);
        context.setProtocolVersion(version);
        return context;
    }

    private static List<String> names(HttpResponse response) {
        List<String> all = new ArrayList<>();
        for (var h : response.getHeaders()) {
            all.add(h.getName() + ": " + h.getValue());
        }
        return all;
    }
}
