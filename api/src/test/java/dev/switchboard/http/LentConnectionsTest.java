package dev.switchboard.http;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.internal.LentConnections;
import dev.switchboard.openai.BasicOpenAiAdapter;
import dev.switchboard.openai.OpenAiCompatibleProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.AsyncClientEndpoint;
import org.apache.hc.core5.http.nio.AsyncClientExchangeHandler;
import org.apache.hc.core5.http.nio.AsyncPushConsumer;
import org.apache.hc.core5.http.nio.HandlerFactory;
import org.apache.hc.core5.http.nio.command.RequestExecutionCommand;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.Command;
import org.apache.hc.core5.reactor.DefaultConnectingIOReactor;
import org.apache.hc.core5.reactor.EndpointParameters;
import org.apache.hc.core5.reactor.IOEventHandlerFactory;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections lent to a transport ({@link HttpTransport#lend}): its calls without waiting take them from the lender,
 * whose sessions get the handler the transport binds (its own client's settings), until the loan is reclaimed.
 */
@org.junit.jupiter.api.Timeout(60)
class LentConnectionsTest {

    private static final String KEY = "sk-test-lent-key-not-real";

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private final HttpTransport transport = HttpTransport.create();
    private final Lender lender = new Lender();

    @AfterEach
    void close() {
        transport.close();
        lender.close();
    }

    private LlmProvider provider() {
        String base = server.baseUrl() + "/v1";
        ProviderSettings settings = ProviderSettings.builder("lent", "openai").baseUrl(base).apiKey(KEY)
                .model("gpt-4o").build();
        return new OpenAiCompatibleProvider<>(new BasicOpenAiAdapter(settings, base), settings,
                new ProviderContext(transport, java.time.Clock.systemUTC()));
    }

    @Test
    void callsGoThroughTheLentConnectionsUntilReclaimed() throws Exception {
        server.stubFor(post("/v1/chat/completions").willReturn(okJson(TestResources.fixture(
                "openai/chat-completion.json"))));
        LlmProvider provider = provider();
        String expected = provider.chat(ChatRequest.of("Hello!")).text();

        transport.lend(lender);
        for (int i = 0; i < 3; i++) {
            String text = provider.chatWithoutWaiting(ChatRequest.of("Hello!"), Runnable::run).orElseThrow()
                    .get(10, TimeUnit.SECONDS).text();
            assertThat(text).isEqualTo(expected);
        }
        assertThat(lender.leases).hasValue(3);
        assertThat(lender.connects).as("kept alive, reused").hasValue(1);

        transport.reclaim(lender);
        assertThat(provider.chatWithoutWaiting(ChatRequest.of("Hello!"), Runnable::run).orElseThrow()
                .get(10, TimeUnit.SECONDS).text()).isEqualTo(expected);
        assertThat(lender.leases).as("the transport's own client again").hasValue(3);
    }

    @Test
    void aSecondLoanIsRefused() {
        transport.lend(lender);
        try (Lender other = new Lender()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> transport.lend(other))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("lent");
        }
    }

    /** A lender as small as can be: one reactor thread of its own, one idle list, HttpCore's command to execute. */
    private static final class Lender implements LentConnections, AutoCloseable {
        final AtomicInteger leases = new AtomicInteger();
        final AtomicInteger connects = new AtomicInteger();
        private final ArrayDeque<IOSession> idle = new ArrayDeque<>();
        private final List<DefaultConnectingIOReactor> reactors = new ArrayList<>();

        @Override
        public void bind(IOEventHandlerFactory clientHandlers) {
            DefaultConnectingIOReactor reactor = new DefaultConnectingIOReactor(clientHandlers);
            reactor.start();
            reactors.add(reactor);
        }

        @Override
        public void lease(HttpHost target, Timeout connectTimeout, FutureCallback<AsyncClientEndpoint> leased) {
            leases.incrementAndGet();
            IOSession session;
            synchronized (idle) {
                session = idle.poll();
            }
            if (session != null && session.isOpen()) {
                leased.completed(new Endpoint(session));
                return;
            }
            connects.incrementAndGet();
            reactors.get(0).connect(target, new InetSocketAddress(target.getHostName(), target.getPort()), null,
                    connectTimeout, new EndpointParameters(target, null), new FutureCallback<IOSession>() {
                        @Override
                        public void completed(IOSession s) {
                            leased.completed(new Endpoint(s));
                        }

                        @Override
                        public void failed(Exception e) {
                            leased.failed(e);
                        }

                        @Override
                        public void cancelled() {
                            leased.cancelled();
                        }
                    });
        }

        @Override
        public int leasedConnections() {
            return 0;
        }

        @Override
        public void close() {
            reactors.forEach(r -> r.close(CloseMode.IMMEDIATE));
        }

        private final class Endpoint extends AsyncClientEndpoint {
            private final IOSession session;

            Endpoint(IOSession session) {
                this.session = session;
            }

            @Override
            public void execute(AsyncClientExchangeHandler handler, HandlerFactory<AsyncPushConsumer> push,
                                HttpContext context) {
                session.enqueue(new RequestExecutionCommand(handler, push, null,
                        context != null ? context : org.apache.hc.core5.http.protocol.HttpCoreContext.create()),
                        Command.Priority.NORMAL);
            }

            @Override
            public boolean isConnected() {
                return session.isOpen();
            }

            @Override
            public void releaseAndReuse() {
                synchronized (idle) {
                    idle.add(session);
                }
            }

            @Override
            public void releaseAndDiscard() {
                session.close(CloseMode.IMMEDIATE);
            }
        }
    }
}
