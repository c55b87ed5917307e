package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.runtime.Switchboard;
import java.util.Map;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gateway's upstream connections lent to a Switchboard's HTTP transport: a route's call without waiting then runs
 * on a connection of the gateway's own reactor (built here as GatewayReactor builds it, with the gateway's guard).
 */
class LentTransportTest {

    private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}";

    @Test
    void aRoutesCallWithoutWaitingRunsOnTheGatewaysLentConnections() throws Exception {
        WireMockServer wiremock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
        wiremock.stubFor(post("/v1/chat/completions").willReturn(okJson(ANSWER)));
        ConnectionGuard guard = new ConnectionGuard(ClientLimits.DEFAULTS);
        UpstreamExchanges lent = new UpstreamExchanges(guard.timer());
        HttpAsyncServer reactor = GatewayReactor.create(Http1Config.DEFAULT,
                IOReactorConfig.custom().setIoThreadCount(2).build(), KeepAlive.serverProcessor(), KeepAlive.REUSE,
                (request, context) -> null, guard::decorate, guard, e -> { }, lent);
        reactor.start();
        try (Switchboard sb = Switchboard.builder().config(String.join("\n",
                "switchboard {",
                "  providers.primary { type = openai, base-url = \"http://127.0.0.1:" + wiremock.port() + "/v1\",",
                "                      api-key = \"test-key-not-real\", model = \"gpt-4o-mini\" }",
                "  routes.default.targets = [ primary ]",
                "}")).env(Map.of()).build()) {
            sb.transport().lend(lent);
            for (int i = 0; i < 3; i++) {
                ChatResponse r = sb.route("default")
                        .chatWithoutWaiting(ChatRequest.of("Hi"), Runnable::run)
                        .orElseThrow()
                        .get(10, TimeUnit.SECONDS);
                assertThat(r.text()).isEqualTo("ok");
            }
            // the calls went over one kept-alive connection of the gateway's reactor, given back each time
            assertThat(lent.openConnections()).isEqualTo(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lent.leasedConnections() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(lent.leasedConnections()).isZero();
            sb.transport().reclaim(lent);
        } finally {
            reactor.close(CloseMode.IMMEDIATE);
            guard.shutdown();
            wiremock.stop();
        }
    }
}
