package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.entity.StringAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.support.BasicClientExchangeHandler;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.nio.support.BasicResponseConsumer;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.DeadlineTimeoutException;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection limits of {@link UpstreamExchanges}, set low, on the gateway's reactor as {@link GatewayReactor}
 * builds it (no routes: only its upstream connections are used).
 */
class UpstreamLimitsTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private HttpAsyncServer reactor;
    private UpstreamExchanges upstream;
    private KeepAliveUpstream a;
    private KeepAliveUpstream b;

    @BeforeEach
    void start() throws Exception {
        a = new KeepAliveUpstream();
        b = new KeepAliveUpstream();
    }

    /** A reactor whose upstream exchanges may open {@code maxTotal} connections, {@code maxPerRoute} per target. */
    private void reactor(int maxTotal, int maxPerRoute) {
        upstream = new UpstreamExchanges(timer, maxTotal, maxPerRoute);
        reactor = GatewayReactor.create(Http1Config.DEFAULT, IOReactorConfig.custom().setIoThreadCount(2).build(),
                KeepAlive.serverProcessor(), KeepAlive.REUSE, (request, context) -> null,
                session -> UpstreamSession.connected(session) ? new UpstreamSession(session) : session, null,
                e -> { }, upstream);
        reactor.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (reactor != null) {
            reactor.close(CloseMode.IMMEDIATE);
        }
        timer.shutdownNow();
        a.close();
        b.close();
    }

    private CompletableFuture<String> call(KeepAliveUpstream server, String path, Timeout timeout) {
        return call(server.port(), path, timeout);
    }

    private CompletableFuture<String> call(int port, String path, Timeout timeout) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        upstream.execute(new HttpHost("http", "127.0.0.1", port), new BasicClientExchangeHandler<>(
                new BasicRequestProducer(new BasicHttpRequest(Method.GET, path), null),
                new BasicResponseConsumer<>(new StringAsyncEntityConsumer()),
                new FutureCallback<Message<HttpResponse, String>>() {
                    @Override
                    public void completed(Message<HttpResponse, String> m) {
                        answer.complete(m.getBody());
                    }

                    @Override
                    public void failed(Exception e) {
                        answer.completeExceptionally(e);
                    }

                    @Override
                    public void cancelled() {
                        answer.cancel(false);
                    }
                }), timeout, HttpCoreContext.create());
        return answer;
    }

    @Test
    void exchangesBeyondTheLimitPerTargetTakeTurnsOnItsConnections() throws Exception {
        reactor(10, 1);

        CompletableFuture<String> first = call(a, "/1", Timeout.ofSeconds(5));
        CompletableFuture<String> second = call(a, "/2", Timeout.ofSeconds(5));
        CompletableFuture<String> third = call(a, "/3", Timeout.ofSeconds(5));

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("GET /1");
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("GET /2");
        assertThat(third.get(10, TimeUnit.SECONDS)).isEqualTo("GET /3");
        assertThat(a.connections()).isEqualTo(1);
    }

    @Test
    void anExchangeWaitingBeyondTheLimitFailsAfterItsTimeout() throws Exception {
        reactor(10, 1);
        // a server that takes connections (the kernel's backlog) and never answers
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> stuck = call(silent.getLocalPort(), "/stuck", Timeout.ofSeconds(30));
            CompletableFuture<String> waiting = call(silent.getLocalPort(), "/waiting", Timeout.ofMilliseconds(200));

            assertThat(waiting).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(DeadlineTimeoutException.class);
            assertThat(stuck).isNotDone();
        }
    }

    @Test
    void atTheTotalLimitAnIdleConnectionToAnotherTargetIsClosedToMakeRoom() throws Exception {
        reactor(1, 1);

        assertThat(call(a, "/a", Timeout.ofSeconds(5)).get(10, TimeUnit.SECONDS)).isEqualTo("GET /a");
        assertThat(call(b, "/b", Timeout.ofSeconds(5)).get(10, TimeUnit.SECONDS)).isEqualTo("GET /b");
        assertThat(upstream.openConnections()).isEqualTo(1);
        assertThat(call(a, "/a2", Timeout.ofSeconds(5)).get(10, TimeUnit.SECONDS)).isEqualTo("GET /a2");

        assertThat(a.connections()).isEqualTo(2);
        assertThat(b.connections()).isEqualTo(1);
    }
}
