package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.AsyncRequestConsumer;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.RequestChannel;
import org.apache.hc.core5.http.nio.AsyncServerRequestHandler;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.entity.DiscardingEntityConsumer;
import org.apache.hc.core5.http.nio.entity.StringAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.support.BasicClientExchangeHandler;
import org.apache.hc.core5.http.nio.support.BasicRequestConsumer;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.nio.support.BasicResponseConsumer;
import org.apache.hc.core5.http.nio.support.BasicResponseProducer;
import org.apache.hc.core5.http.nio.support.BasicServerExchangeHandler;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's use of its upstream exchanges, in miniature: a server exchange on the reactor (as GatewayReactor
 * builds it) starts an upstream call on its I/O thread and answers its client with what came back. After the warm-up
 * (the first new connections land on the reactor's threads in turn) every call is answered on the thread that started
 * it, over a connection of that thread, its request written from the server exchange's own event.
 */
class UpstreamRelayTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private KeepAliveUpstream provider;
    private HttpAsyncServer reactor;
    private UpstreamExchanges upstream;
    private int port;

    @BeforeEach
    void start() throws Exception {
        provider = new KeepAliveUpstream();
        upstream = new UpstreamExchanges(timer);
        HttpHost target = new HttpHost("http", "127.0.0.1", provider.port());
        reactor = GatewayReactor.create(Http1Config.DEFAULT, IOReactorConfig.custom().setIoThreadCount(2).build(),
                KeepAlive.serverProcessor(), KeepAlive.REUSE,
                (request, context) -> () -> new BasicServerExchangeHandler<>(new Relay(target)),
                session -> UpstreamSession.connected(session) ? new UpstreamSession(session) : session, null,
                e -> { }, upstream);
        reactor.start();
        port = ((InetSocketAddress) reactor.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .get().getAddress()).getPort();
    }

    @AfterEach
    void stop() throws Exception {
        reactor.close(CloseMode.IMMEDIATE);
        timer.shutdownNow();
        provider.close();
    }

    /** Answers each request with the upstream's answer to a POST of the same path, and the threads involved. */
    private final class Relay implements AsyncServerRequestHandler<Message<org.apache.hc.core5.http.HttpRequest, Void>> {
        private final HttpHost target;

        Relay(HttpHost target) {
            this.target = target;
        }

        @Override
        public AsyncRequestConsumer<Message<org.apache.hc.core5.http.HttpRequest, Void>> prepare(
                org.apache.hc.core5.http.HttpRequest request, EntityDetails entityDetails, HttpContext context) {
            return new BasicRequestConsumer<>(entityDetails == null ? null : new DiscardingEntityConsumer<>());
        }

        @Override
        public void handle(Message<org.apache.hc.core5.http.HttpRequest, Void> message, ResponseTrigger trigger,
                           HttpContext context) {
            String server = Thread.currentThread().getName();
            String path = message.getHead().getPath();
            HttpCoreContext upstreamContext = HttpCoreContext.create();
            boolean[] writtenAtOnce = new boolean[1];
            BasicRequestProducer request = new BasicRequestProducer(new BasicHttpRequest(Method.POST, path),
                    AsyncEntityProducers.create("{\"from\":\"relay\"}", ContentType.APPLICATION_JSON));
            upstream.execute(target, new BasicClientExchangeHandler<>(path.startsWith("/broken") ? new Broken() : request,
                    new BasicResponseConsumer<>(new StringAsyncEntityConsumer()),
                    new FutureCallback<Message<org.apache.hc.core5.http.HttpResponse, String>>() {
                        @Override
                        public void completed(Message<org.apache.hc.core5.http.HttpResponse, String> m) {
                            answer(m.getBody() + "|" + server + "|" + Thread.currentThread().getName() + "|"
                                    + writtenAtOnce[0]);
                        }

                        @Override
                        public void failed(Exception e) {
                            answer("failed " + e);
                        }

                        @Override
                        public void cancelled() {
                            answer("cancelled");
                        }

                        private void answer(String text) {
                            AsyncEntityProducer body = AsyncEntityProducers.create(text, ContentType.TEXT_PLAIN);
                            try {
                                trigger.submitResponse(new BasicResponseProducer(200, body), context);
                            } catch (HttpException | IOException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }), Timeout.ofSeconds(5), upstreamContext);
            // whether the request was committed (its head made and handed to the connection) before execute returned
            writtenAtOnce[0] = upstreamContext.getRequest() != null;
        }
    }

    /** A request producer that fails as its request is asked for: a bug in the caller's handler. */
    private static final class Broken implements AsyncRequestProducer {
        @Override
        public void sendRequest(RequestChannel channel, HttpContext context) {
            throw new IllegalStateException("the request could not be made");
        }

        @Override public boolean isRepeatable() { return false; }
        @Override public void failed(Exception cause) { }
        @Override public int available() { return 0; }
        @Override public void produce(DataStreamChannel channel) { }
        @Override public void releaseResources() { }
    }

    private String[] get(HttpClient client, String path) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().split("\\|");
    }

    @Test
    void aCallerHandlerFailingAsItsRequestIsWrittenOnTheThreadFailsThatCallOnly() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 3; i++) {
            get(client, "/warm" + i);
        }

        String[] broken = get(client, "/broken");
        String[] after = get(client, "/after");

        assertThat(broken[0]).startsWith("failed").contains("the request could not be made");
        // the connection it was on is closed (as the reactor closes one whose event throws); the next call is
        // answered on a new one, and the broken request never reached the provider
        assertThat(after[0]).isEqualTo("POST /after {\"from\":\"relay\"}");
        assertThat(provider.requests()).isEqualTo(4);
    }

    @Test
    void afterTheWarmUpEachCallIsAnsweredOnTheThreadThatStartedItOverOneConnectionPerThread() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String[]> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/c" + i))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            answers.add(r.body().split("\\|"));
        }

        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i)[0]).isEqualTo("POST /c" + i + " {\"from\":\"relay\"}");
        }
        // one client connection: every server exchange on one I/O thread, and from the third call on (the first two
        // new connections may land on either thread) each upstream answer on that same thread
        assertThat(answers).extracting(a -> a[1]).containsOnly(answers.get(0)[1]);
        assertThat(answers.subList(2, answers.size())).allSatisfy(a -> assertThat(a[2]).isEqualTo(a[1]));
        // and its request written by the server exchange's event itself, not on a later round of the reactor
        assertThat(answers.subList(2, answers.size())).allSatisfy(a -> assertThat(a[3]).isEqualTo("true"));
        assertThat(provider.connections()).isLessThanOrEqualTo(2);
        assertThat(provider.requests()).isEqualTo(20);
    }
}
