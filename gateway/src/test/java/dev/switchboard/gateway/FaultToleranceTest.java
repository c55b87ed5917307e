package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.http.Fault;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.runtime.Sleeper;
import dev.switchboard.testkit.Fixtures;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Upstream faults seen through the gateway: every request succeeds through fallback (mid-stream resumption
 * included) or fails with the documented error, and nothing hangs.
 */
@Timeout(60) // a guard against hangs, not a speed check: a loaded machine can take 20 s to start a harness
class FaultToleranceTest {

    private static final String BACKUP_CHAT = "/backup/v1/chat/completions";
    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";

    private GatewayHarness h;
    private RawUpstream raw;

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
        if (raw != null) {
            raw.close();
        }
    }

    /** The harness with provider primary served by a raw stub running {@code script}. */
    private void primaryScripted(RawUpstream.Script script, String extra) throws Exception {
        raw = new RawUpstream(script);
        h = GatewayHarness.start("providers.primary.base-url = \"" + raw.baseUrl() + "\"\n" + extra);
    }

    private void backupStreams() {
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
    }

    static String chunk(String text) {
        return "{\"id\":\"chatcmpl-raw1\",\"object\":\"chat.completion.chunk\",\"created\":1723024748,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"logprobs\":null,\"finish_reason\":null}]}";
    }

    private static ChatCompletionCreateParams ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("What's the weather?").build();
    }

    private List<ChatCompletionChunk> streamAll(String model) {
        try (StreamResponse<ChatCompletionChunk> s = h.client().chat().completions().createStreaming(ask(model))) {
            return s.stream().collect(Collectors.toList());
        }
    }

    private static String text(List<ChatCompletionChunk> chunks) {
        return chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.delta().content().orElse(""))
                .collect(Collectors.joining());
    }

    @Test
    void aConnectionResetBeforeTheFirstChunkFallsBackInvisibly() {
        h = GatewayHarness.start();
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        backupStreams();

        List<ChatCompletionChunk> chunks = streamAll("default");

        assertThat(text(chunks)).startsWith("I'm unable to provide real-time updates");
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly("chatcmpl-9tXjg9DdaOfymTPDrSLfxslQEH0C2");
    }

    @Test
    void aConnectionResetAfterTheFirstChunkIsResumedByTheNextTarget() throws Exception {
        primaryScripted(c -> {
            c.sseHead();
            c.event(chunk("Hel"));
            c.reset();
        }, "");
        backupStreams();

        List<ChatCompletionChunk> chunks = streamAll("default");

        String text = text(chunks);
        assertThat(text).startsWith("HelI'm unable to provide real-time updates");
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly("chatcmpl-raw1");
        assertThat(chunks).extracting(ChatCompletionChunk::model).containsOnly("gpt-4o-mini");
        h.upstream.verify(postRequestedFor(urlEqualTo(BACKUP_CHAT))
                .withRequestBody(matchingJsonPath("$.messages[1].role", equalTo("assistant")))
                .withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("Hel"))));
    }

    @Test
    void aStallMidStreamCountsAsAFailureAfterTheIdleTimeoutAndIsResumed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean stallOver = new AtomicBoolean();
        primaryScripted(c -> {
            c.sseHead();
            c.event(chunk("Hel"));
            release.await(30, TimeUnit.SECONDS); // silent: the provider's idle timeout (400 ms) must end it
            stallOver.set(true);
        }, "");
        backupStreams();

        List<ChatCompletionChunk> chunks = streamAll("default");

        // then: resumed on backup while primary was still silent (not after it gave up, nor at a later timeout)
        assertThat(stallOver).isFalse();
        release.countDown();
        assertThat(text(chunks)).startsWith("HelI'm unable");
    }

    @Test
    void aMalformedChunkMidStreamIsResumed() {
        h = GatewayHarness.start();
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody("data: " + chunk("Hel") + "\n\ndata: {\"id\": \"chatcmpl-raw1\", \"choices\": [\n\n")));
        backupStreams();

        List<ChatCompletionChunk> chunks = streamAll("default");

        assertThat(text(chunks)).startsWith("HelI'm unable");
    }

    @Test
    void anErrorEventMidStreamIsResumed() {
        h = GatewayHarness.start();
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody("data: " + chunk("Hel") + "\n\ndata: {\"error\": {\"message\": \"The server had an error\","
                        + " \"type\": \"server_error\", \"param\": null, \"code\": null}}\n\n")));
        backupStreams();

        assertThat(text(streamAll("default"))).startsWith("HelI'm unable");
    }

    @Test
    void withStreamFailoverFailTheStreamEndsWithAnErrorEvent() throws Exception {
        primaryScripted(c -> {
            c.sseHead();
            c.event(chunk("Hel"));
            c.reset();
        }, "routes.strict { targets = [ primary, backup ], stream-failover = fail }");
        backupStreams();

        GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions",
                "{\"model\":\"strict\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        List<ChatCompletionChunk> seen = new ArrayList<>();
        Throwable t = catchThrowable(() -> {
            try (StreamResponse<ChatCompletionChunk> s = h.client().chat().completions().createStreaming(ask("strict"))) {
                s.stream().forEach(seen::add);
            }
        });

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"content\":\"Hel\"").contains("data: {\"error\":{\"message\":")
                .contains("the upstream connection closed mid-stream").doesNotContain("[DONE]");
        assertThat(t).isNotNull();
        assertThat(text(seen)).isEqualTo("Hel");
        h.upstream.verify(0, postRequestedFor(urlEqualTo(BACKUP_CHAT)));
    }

    @Test
    void a429WithALongRetryAfterMovesOnToTheNextTargetAtOnce() {
        List<Duration> waits = new CopyOnWriteArrayList<>();
        h = GatewayHarness.start("", java.time.Clock.systemUTC(), d -> {
            waits.add(d);
            Sleeper.SYSTEM.sleep(d);
        });
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(429).withHeader("retry-after", "20")
                .withHeader("Content-Type", "application/json")
                .withBody(Fixtures.load("fixtures/openai/errors/429-rate-limit-exceeded.json"))));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        ChatCompletion c = h.client().chat().completions().create(ask("default"));

        // then: backup answered, and nothing waited out the 20 s Retry-After (no wait of the route came near it)
        assertThat(c.id()).isEqualTo("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
        assertThat(waits).allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(1)));
        h.upstream.verify(1, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
    }

    @Test
    void repeated500sAreRetriedThenFallBack() throws Exception {
        h = GatewayHarness.start();
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.load("fixtures/openai/errors/500-server-error.json"))));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions",
                "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).hasValue("backup");
        h.upstream.verify(2, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
    }

    @Test
    void aSlowFirstByteTimesOutAndFallsBack() throws Exception {
        // given: primary would answer, but only after 1.5 s, five times its first-byte timeout
        h = GatewayHarness.start("providers.primary.timeouts.first-byte = 300ms\nroutes.solo.targets = [ primary ]");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))
                .withFixedDelay(1500)));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        String ask = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

        // when
        GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions", String.format(ask, "default"));
        GatewayHarness.Reply alone = h.http("POST", "/v1/chat/completions", String.format(ask, "solo"));

        // then: backup answered after primary's try and retry; primary alone fails, and says it was the timeout
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).hasValue("backup");
        assertThat(r.header("x-switchboard-attempts")).hasValue("3");
        assertThat(alone.statusCode()).isEqualTo(502);
        assertThat(alone.body()).contains("TIMEOUT").contains("no response within 300 ms (first-byte timeout)");
    }

    @Test
    void aClientThatDisconnectsWhileTheUpstreamThinksCancelsIt() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        primaryScripted(c -> {
            if (c.awaitPeerClose(60_000)) { // never answers; waits for the gateway to give up
                closed.countDown();
            }
        }, "providers.primary.timeouts { first-byte = 60s, idle = 60s }");

        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), h.gateway.port())) {
            send(client, "{\"model\":\"primary\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            assertThat(raw.awaitRequest(5000)).isTrue();
        }

        // then: the upstream call is aborted because the client left (its own timeouts are a minute away)
        assertThat(closed.await(20, TimeUnit.SECONDS)).isTrue();
        awaitIdle();
    }

    @Test
    void aClientThatDisconnectsMidStreamCancelsTheUpstream() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        primaryScripted(c -> {
            c.sseHead();
            c.event(chunk("Hel"));
            if (c.awaitPeerClose(60_000)) {
                closed.countDown();
            }
        }, "providers.primary.timeouts { first-byte = 60s, idle = 60s }");

        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), h.gateway.port())) {
            send(client, "{\"model\":\"primary\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            String seen = readUntil(client.getInputStream(), "\"content\":\"Hel\"");
            assertThat(seen).startsWith("HTTP/1.1 200").contains("text/event-stream");
        }

        // then: the upstream stream is aborted because the client left (its own timeouts are a minute away)
        assertThat(closed.await(20, TimeUnit.SECONDS)).isTrue();
        awaitIdle();
    }

    /** No request in flight, no busy worker, no leased upstream connection (waits a little for them to settle). */
    private void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && (h.gateway.activeWorkers() > 0 || h.switchboard.leasedConnections() > 0
                || h.gateway.requestsInFlight() > 0)) {
            Thread.sleep(10);
        }
        assertThat(h.gateway.activeWorkers()).isZero();
        assertThat(h.gateway.requestsInFlight()).isZero();
        assertThat(h.switchboard.leasedConnections()).isZero();
    }

    static void send(Socket client, String body) throws Exception {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = client.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    static String readUntil(InputStream in, String marker) throws Exception {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[1024];
        int n;
        while (!sb.toString().contains(marker) && (n = in.read(buf)) > 0) {
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}
