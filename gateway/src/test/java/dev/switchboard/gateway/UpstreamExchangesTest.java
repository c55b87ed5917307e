package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.entity.StringAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.support.BasicClientExchangeHandler;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.nio.support.BasicResponseConsumer;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.util.Timeout;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.http.config.CharCodingConfig;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.nio.ClientHttp1IOEventHandlerFactory;
import org.apache.hc.core5.http.impl.nio.ClientHttp1StreamDuplexerFactory;
import org.apache.hc.core5.http.nio.AsyncClientEndpoint;
import org.apache.hc.core5.http.protocol.DefaultHttpProcessor;
import org.apache.hc.core5.http.protocol.RequestContent;
import org.apache.hc.core5.http.protocol.RequestTargetHost;
import org.apache.hc.core5.reactor.EndpointParameters;
import org.apache.hc.core5.reactor.IOEventHandlerFactory;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upstream exchanges over connections on the gateway's own reactor (as GatewayReactor builds it, with the gateway's
 * connection guard), against real loopback servers: WireMock for the answers, {@link KeepAliveUpstream} where the
 * server's side of the connections counts.
 */
class UpstreamExchangesTest {

    private static final Timeout CONNECT = Timeout.ofSeconds(5);

    private WireMockServer wiremock;
    private ConnectionGuard guard;
    private HttpAsyncServer reactor;
    private UpstreamExchanges upstream;
    private KeepAliveUpstream keepAlive;

    /** The gateway's reactor as GatewayReactor builds it, with the gateway's connection guard (no routes). */
    @BeforeEach
    void start() throws Exception {
        wiremock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
        guard = new ConnectionGuard(ClientLimits.DEFAULTS);
        upstream = new UpstreamExchanges(guard.timer());
        reactor = GatewayReactor.create(Http1Config.DEFAULT, IOReactorConfig.custom().setIoThreadCount(2).build(),
                KeepAlive.serverProcessor(), KeepAlive.REUSE, (request, context) -> null, guard::decorate, guard,
                e -> { }, upstream);
        reactor.start();
        keepAlive = new KeepAliveUpstream();
    }

    @AfterEach
    void stop() throws Exception {
        reactor.close(CloseMode.IMMEDIATE);
        guard.shutdown();
        wiremock.stop();
        keepAlive.close();
    }

    /** What one exchange ended with, and the thread its end was delivered on. */
    record Answer(int status, HttpResponse head, String body, Thread thread) {
        String header(String name) {
            return head.getFirstHeader(name) == null ? null : head.getFirstHeader(name).getValue();
        }
    }

    /** Starts one exchange on the calling thread; the future completes on the thread that read its answer. */
    private CompletableFuture<Answer> call(HttpHost target, Method method, String path, String json) {
        return call(target, method, path, json, a -> { });
    }

    /** As above; {@code then} runs first, on the thread that read the answer (to start the next call there). */
    private CompletableFuture<Answer> call(HttpHost target, Method method, String path, String json,
                                           Consumer<Answer> then) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        BasicRequestProducer request = new BasicRequestProducer(new BasicHttpRequest(method, path),
                json == null ? null : AsyncEntityProducers.create(json, ContentType.APPLICATION_JSON));
        upstream.execute(target, new BasicClientExchangeHandler<>(request,
                new BasicResponseConsumer<>(new StringAsyncEntityConsumer()),
                new FutureCallback<Message<HttpResponse, String>>() {
                    @Override
                    public void completed(Message<HttpResponse, String> m) {
                        Answer a = new Answer(m.getHead().getCode(), m.getHead(), m.getBody(), Thread.currentThread());
                        try {
                            then.accept(a);
                        } finally {
                            answer.complete(a);
                        }
                    }

                    @Override
                    public void failed(Exception e) {
                        answer.completeExceptionally(e);
                    }

                    @Override
                    public void cancelled() {
                        answer.cancel(false);
                    }
                }), CONNECT, HttpCoreContext.create());
        return answer;
    }

    private CompletableFuture<Answer> keepAliveGet(String path, Consumer<Answer> then) {
        return call(keepAlive(), Method.GET, path, null, then);
    }

    private static void forward(CompletableFuture<Answer> from, CompletableFuture<Answer> to) {
        from.whenComplete((a, e) -> {
            if (e != null) {
                to.completeExceptionally(e);
            } else {
                to.complete(a);
            }
        });
    }

    private HttpHost wiremock() {
        return new HttpHost("http", "127.0.0.1", wiremock.port());
    }

    private HttpHost keepAlive() {
        return new HttpHost("http", "127.0.0.1", keepAlive.port());
    }

    private static Answer await(CompletableFuture<Answer> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    @Test
    void answersComeWithTheirStatusHeadersAndBodies() throws Exception {
        wiremock.stubFor(get("/ok").willReturn(aResponse().withStatus(200)
                .withHeader("X-Upstream", "yes").withHeader("Content-Type", "text/plain").withBody("hello")));
        wiremock.stubFor(post("/echo").withRequestBody(equalToJson("{\"a\":1}"))
                .willReturn(aResponse().withStatus(201).withBody("{\"got\":\"a\"}")));
        wiremock.stubFor(get("/boom").willReturn(aResponse().withStatus(500).withBody("upstream broke")));

        Answer ok = await(call(wiremock(), Method.GET, "/ok", null));
        Answer echo = await(call(wiremock(), Method.POST, "/echo", "{\"a\":1}"));
        Answer boom = await(call(wiremock(), Method.GET, "/boom", null));

        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("X-Upstream")).isEqualTo("yes");
        assertThat(ok.body()).isEqualTo("hello");
        assertThat(echo.status()).isEqualTo(201);
        assertThat(echo.body()).isEqualTo("{\"got\":\"a\"}");
        assertThat(boom.status()).isEqualTo(500);
        assertThat(boom.body()).isEqualTo("upstream broke");
        // answered on the gateway's I/O threads; upstream connections are not client connections
        assertThat(ok.thread().getName()).startsWith("server-dispatch");
        assertThat(guard.connections()).isZero();
    }

    @Test
    void aChunkedAnswerIsReadWhole() throws Exception {
        Answer a = await(call(keepAlive(), Method.GET, "/chunked", null));

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).isEqualTo("first,second,third");
    }

    @Test
    void sequentialExchangesShareOneKeptAliveConnection() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(await(call(keepAlive(), Method.POST, "/n", "{\"i\":" + i + "}")).body())
                    .isEqualTo("POST /n {\"i\":" + i + "}");
        }
        await(call(keepAlive(), Method.GET, "/chunked", null));

        assertThat(keepAlive.requests()).isEqualTo(6);
        assertThat(keepAlive.connections()).isEqualTo(1);
        assertThat(upstream.openConnections()).isEqualTo(1);
    }

    @Test
    void anExchangeStartedOnAnIoThreadIsAnsweredOnThatThreadOverItsOwnConnection() throws Exception {
        Thread io = await(call(keepAlive(), Method.GET, "/first", null)).thread();
        assertThat(io.getName()).startsWith("server-dispatch");

        // Chained calls, each started by the previous one's answer on that I/O thread: each takes the connection the
        // thread has just given back (a connection is released before its answer's end is passed on)
        List<Answer> answers = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        keepAliveGet("/0", a -> chain(a, answers, done));
        done.get(10, TimeUnit.SECONDS);

        assertThat(answers).hasSize(10).allSatisfy(a -> assertThat(a.thread()).isSameAs(io));
        assertThat(keepAlive.connections()).isEqualTo(1);
        assertThat(upstream.openConnections()).isEqualTo(1);
    }

    private void chain(Answer a, List<Answer> answers, CompletableFuture<Void> done) {
        answers.add(a);
        if (answers.size() == 10) {
            done.complete(null);
        } else {
            keepAliveGet("/" + answers.size(), next -> chain(next, answers, done))
                    .exceptionally(e -> {
                        done.completeExceptionally(e);
                        return null;
                    });
        }
    }

    @Test
    void aConnectionOpenedForAnotherThreadStaysWithTheThreadItLandedOn() throws Exception {
        Thread io = await(call(keepAlive(), Method.GET, "/warm", null)).thread();

        // On that I/O thread, two calls at once: the first takes its idle connection, the second needs a new one,
        // which the reactor may put on either thread; that thread answers it, keeps the connection, and answers a
        // call started there on it
        CompletableFuture<Answer> a = new CompletableFuture<>();
        CompletableFuture<Answer> b = new CompletableFuture<>();
        CompletableFuture<Answer> there = new CompletableFuture<>();
        keepAliveGet("/again", warm -> {
            forward(keepAliveGet("/a", x -> { }), a);
            forward(keepAliveGet("/b", y -> forward(keepAliveGet("/there", z -> { }), there)), b);
        });

        assertThat(await(a).thread()).isSameAs(io);
        Thread other = await(b).thread();
        assertThat(other.getName()).startsWith("server-dispatch");
        assertThat(await(there).thread()).isSameAs(other);
        assertThat(keepAlive.connections()).isEqualTo(2);
        assertThat(keepAlive.requests()).isEqualTo(5);
    }

    @Test
    void anIdleConnectionTheServerClosedIsNotReused() throws Exception {
        assertThat(await(call(keepAlive(), Method.GET, "/before", null)).status()).isEqualTo(200);
        assertThat(upstream.openConnections()).isEqualTo(1);

        keepAlive.closeConnections();
        awaitTrue(() -> upstream.openConnections() == 0); // the reactor saw the close and dropped the connection

        Answer after = await(call(keepAlive(), Method.GET, "/after", null));
        assertThat(after.body()).isEqualTo("GET /after");
        assertThat(keepAlive.connections()).isEqualTo(2);
    }

    /** Leases a connection to the keep-alive server, from the calling thread. */
    private AsyncClientEndpoint lease() throws Exception {
        CompletableFuture<AsyncClientEndpoint> leased = new CompletableFuture<>();
        upstream.lease(keepAlive(), CONNECT, new FutureCallback<AsyncClientEndpoint>() {
            @Override
            public void completed(AsyncClientEndpoint endpoint) {
                leased.complete(endpoint);
            }

            @Override
            public void failed(Exception e) {
                leased.completeExceptionally(e);
            }

            @Override
            public void cancelled() {
                leased.cancel(false);
            }
        });
        return leased.get(10, TimeUnit.SECONDS);
    }

    /** Runs one GET on {@code endpoint} and releases it for reuse when the answer has ended, on its I/O thread. */
    private CompletableFuture<String> getOn(AsyncClientEndpoint endpoint, String path) {
        CompletableFuture<String> body = new CompletableFuture<>();
        endpoint.execute(new BasicClientExchangeHandler<>( // on a leased endpoint the request names its target
                new BasicRequestProducer(new BasicHttpRequest(Method.GET, keepAlive(), path), null),
                new BasicResponseConsumer<>(new StringAsyncEntityConsumer()),
                new FutureCallback<Message<HttpResponse, String>>() {
                    @Override
                    public void completed(Message<HttpResponse, String> m) {
                        endpoint.releaseAndReuse();
                        body.complete(m.getBody());
                    }

                    @Override
                    public void failed(Exception e) {
                        endpoint.releaseAndDiscard();
                        body.completeExceptionally(e);
                    }

                    @Override
                    public void cancelled() {
                        endpoint.releaseAndDiscard();
                        body.cancel(false);
                    }
                }), null, HttpCoreContext.create());
        return body;
    }

    @Test
    void leasedConnectionsAreMadeWithTheBoundHandlersAndComeBackToThePool() throws Exception {
        AtomicInteger made = new AtomicInteger();
        List<Object> attachments = new CopyOnWriteArrayList<>();
        IOEventHandlerFactory http = new ClientHttp1IOEventHandlerFactory(new ClientHttp1StreamDuplexerFactory(
                new DefaultHttpProcessor(RequestTargetHost.INSTANCE, RequestContent.INSTANCE), Http1Config.DEFAULT,
                CharCodingConfig.DEFAULT), null, null);
        upstream.bind((session, attachment) -> {
            made.incrementAndGet();
            attachments.add(attachment);
            return http.createHandler(session, attachment);
        });

        AsyncClientEndpoint first = lease();
        assertThat(first.isConnected()).isTrue();
        assertThat(upstream.leasedConnections()).isEqualTo(1);
        assertThat(getOn(first, "/one").get(10, TimeUnit.SECONDS)).isEqualTo("GET /one");
        awaitTrue(() -> upstream.leasedConnections() == 0);

        AsyncClientEndpoint second = lease();
        assertThat(getOn(second, "/two").get(10, TimeUnit.SECONDS)).isEqualTo("GET /two");

        assertThat(made.get()).isEqualTo(1);
        assertThat(attachments).singleElement().isInstanceOfSatisfying(EndpointParameters.class,
                p -> assertThat(p.getPort()).isEqualTo(keepAlive.port()));
        assertThat(keepAlive.connections()).isEqualTo(1);
        awaitTrue(() -> upstream.leasedConnections() == 0);
        assertThat(first.isConnected()).isFalse(); // released
    }

    @Test
    void aRefusedConnectionFailsTheExchange() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        CompletableFuture<Answer> f = call(new HttpHost("http", "127.0.0.1", port), Method.GET, "/", null);

        assertThat(f).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(ConnectException.class);
        awaitTrue(() -> upstream.openConnections() == 0);
    }
}
