package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gateway's upstream connections lent to its Switchboard's HTTP transport: a route's call without waiting then
 * runs on a connection of the gateway's own reactor.
 */
class LentTransportTest {

    private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}";

    @Test
    void aRoutesCallWithoutWaitingRunsOnTheGatewaysLentConnections() throws Exception {
        try (GatewayHarness h = GatewayHarness.start()) {
            h.upstream.stubFor(post("/primary/v1/chat/completions").willReturn(okJson(ANSWER)));
            GatewayServer server = new GatewayServer(h.switchboard, GatewayConfig.from(h.switchboard.config()));
            UpstreamExchanges lent = server.upstreamExchanges();
            h.switchboard.transport().lend(lent);
            try {
                for (int i = 0; i < 3; i++) {
                    ChatResponse r = h.switchboard.route("default")
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
            } finally {
                h.switchboard.transport().reclaim(lent);
                server.shutdown(Duration.ZERO);
            }
        }
    }
}
