package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.entity.StringAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.ssl.BasicClientTlsStrategy;
import org.apache.hc.core5.http.nio.support.BasicClientExchangeHandler;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.nio.support.BasicResponseConsumer;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Upstream exchanges with an https target (WireMock's own self-signed certificate, trusted by this test alone). */
class UpstreamTlsTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private WireMockServer https;
    private HttpAsyncServer reactor;
    private UpstreamExchanges upstream;

    @BeforeEach
    void start() throws Exception {
        https = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort().bindAddress("127.0.0.1"));
        https.start();
        // WireMock's certificate is self-signed and names no host: this test trusts it, and checks no name
        SSLContext trustingAll = SSLContext.getInstance("TLS");
        trustingAll.init(null, new TrustManager[] {new TrustingAll()}, null);
        upstream = new UpstreamExchanges(timer, 10, 10, new BasicClientTlsStrategy(trustingAll));
        reactor = GatewayReactor.create(Http1Config.DEFAULT, IOReactorConfig.custom().setIoThreadCount(2).build(),
                KeepAlive.serverProcessor(), KeepAlive.REUSE, (request, context) -> null,
                session -> UpstreamSession.connected(session) ? new UpstreamSession(session) : session, null,
                e -> { }, upstream);
        reactor.start();
    }

    /** A trust manager that accepts any certificate (an extended one: the JDK leaves the host name check to it). */
    private static final class TrustingAll extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }

    @AfterEach
    void stop() {
        reactor.close(CloseMode.IMMEDIATE);
        timer.shutdownNow();
        https.stop();
    }

    private CompletableFuture<Message<HttpResponse, String>> postJson(String path, String json) {
        CompletableFuture<Message<HttpResponse, String>> answer = new CompletableFuture<>();
        upstream.execute(new HttpHost("https", "127.0.0.1", https.httpsPort()), new BasicClientExchangeHandler<>(
                new BasicRequestProducer(new BasicHttpRequest(Method.POST, path),
                        AsyncEntityProducers.create(json, ContentType.APPLICATION_JSON)),
                new BasicResponseConsumer<>(new StringAsyncEntityConsumer()),
                new FutureCallback<Message<HttpResponse, String>>() {
                    @Override
                    public void completed(Message<HttpResponse, String> m) {
                        answer.complete(m);
                    }

                    @Override
                    public void failed(Exception e) {
                        answer.completeExceptionally(e);
                    }

                    @Override
                    public void cancelled() {
                        answer.cancel(false);
                    }
                }), Timeout.ofSeconds(5), HttpCoreContext.create());
        return answer;
    }

    @Test
    void anHttpsTargetIsAnsweredOverTlsOnAKeptAliveConnection() throws Exception {
        https.stubFor(post("/v1/chat/completions").withRequestBody(equalToJson("{\"n\":1}"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true}")));

        Message<HttpResponse, String> first = postJson("/v1/chat/completions", "{\"n\":1}").get(10, TimeUnit.SECONDS);
        Message<HttpResponse, String> second = postJson("/v1/chat/completions", "{\"n\":1}").get(10, TimeUnit.SECONDS);

        assertThat(first.getHead().getCode()).isEqualTo(200);
        assertThat(first.getBody()).isEqualTo("{\"ok\":true}");
        assertThat(second.getBody()).isEqualTo("{\"ok\":true}");
        assertThat(upstream.openConnections()).isEqualTo(1);
    }
}
