package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultClientConnectionReuseStrategy;
import org.apache.hc.client5.http.impl.DefaultConnectionKeepAliveStrategy;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.util.TimeValue;
import org.junit.jupiter.api.Test;

/** Every exchange is kept alive or not exactly as HttpClient's own strategy decides. */
class ConnectionReuseTest {

    /** A header name and the values it takes in turn: none, one, or two headers of that name. */
    private static final List<List<String>> CONNECTION = List.of(List.of(), List.of("keep-alive"), List.of("Keep-Alive"),
            List.of("close"), List.of("keep-alive, close"), List.of("keep-alive", "close"), List.of("upgrade"),
            List.of("keep-alive", "keep-alive"));
    private static final List<List<String>> TRANSFER_ENCODING = List.of(List.of(), List.of("chunked"), List.of("gzip"));
    private static final List<List<String>> CONTENT_LENGTH = List.of(List.of(), List.of("0"), List.of("12"),
            List.of("12", "12"), List.of("x"));
    private static final List<List<String>> PROXY_CONNECTION = List.of(List.of(), List.of("close"), List.of("keep-alive"));

    private static void add(org.apache.hc.core5.http.HttpMessage message, String name, List<String> values) {
        for (String v : values) {
            message.addHeader(name, v);
        }
    }

    @Test
    void everyExchangeIsDecidedAsHttpClientDecidesIt() {
        List<ProtocolVersion> versions = new ArrayList<>(List.of(HttpVersion.HTTP_1_1, HttpVersion.HTTP_1_0,
                HttpVersion.HTTP_2_0));
        versions.add(null);
        int compared = 0;
        int kept = 0;
        for (String method : List.of("POST", "GET", "HEAD", "CONNECT")) {
            for (List<String> requestConnection : CONNECTION) {
                for (boolean bothLengths : new boolean[] {false, true}) {
                    for (ProtocolVersion version : versions) {
                        for (int code : new int[] {101, 200, 204, 304, 500}) {
                            for (List<String> te : TRANSFER_ENCODING) {
                                for (List<String> cl : CONTENT_LENGTH) {
                                    for (List<String> connection : CONNECTION) {
                                        for (List<String> proxy : PROXY_CONNECTION) {
                                            BasicHttpRequest request = new BasicHttpRequest(method, "/v1/chat/completions");
                                            add(request, "Content-Length", List.of("12"));
                                            if (bothLengths) {
                                                add(request, "Transfer-Encoding", List.of("chunked"));
                                            }
                                            add(request, "Connection", requestConnection);
                                            BasicHttpResponse response = new BasicHttpResponse(code);
                                            response.setVersion(version);
                                            add(response, "Transfer-Encoding", te);
                                            add(response, "Content-Length", cl);
                                            add(response, "Connection", connection);
                                            add(response, "Proxy-Connection", proxy);
                                            boolean expected = DefaultClientConnectionReuseStrategy.INSTANCE
                                                    .keepAlive(request, response, HttpCoreContext.create());
                                            assertThat(ConnectionReuse.INSTANCE.keepAlive(request, response,
                                                    HttpCoreContext.create()))
                                                    .as("%s %s %s -> %s %d %s %s %s %s", method, requestConnection,
                                                            bothLengths, version, code, te, cl, connection, proxy)
                                                    .isEqualTo(expected);
                                            compared++;
                                            kept += expected ? 1 : 0;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(100_000);
        assertThat(kept).isPositive().isLessThan(compared);
    }

    @Test
    void howLongAConnectionIsKeptIsDecidedAsHttpClientDecidesIt() {
        List<List<String>> keepAlive = List.of(List.of(), List.of("timeout=5"), List.of("timeout=5, max=100"),
                List.of("max=100"), List.of("timeout=x"), List.of("Timeout=7"), List.of("max=1", "timeout=9"));
        for (RequestConfig config : new RequestConfig[] {null, RequestConfig.custom()
                .setConnectionKeepAlive(TimeValue.ofSeconds(42)).build()}) {
            for (List<String> values : keepAlive) {
                BasicHttpResponse response = new BasicHttpResponse(200);
                response.addHeader("Content-Length", "2");
                add(response, "Keep-Alive", values);
                HttpClientContext context = HttpClientContext.create();
                context.setRequestConfig(config);
                assertThat(ConnectionReuse.INSTANCE.getKeepAliveDuration(response, context)).as("%s %s", config, values)
                        .isEqualTo(DefaultConnectionKeepAliveStrategy.INSTANCE.getKeepAliveDuration(response, context));
            }
        }
    }
}
