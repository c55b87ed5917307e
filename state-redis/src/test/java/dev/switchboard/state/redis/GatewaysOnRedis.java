package dev.switchboard.state.redis;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.runtime.Switchboard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of gateways sharing a real redis-server have in common: one server for the test class (started on
 * a free loopback port), a WireMock provider for each test (stubbed by {@link #stub}), and the Switchboards and
 * gateways a test starts ({@link #serve}), all stopped after it.
 */
abstract class GatewaysOnRedis {

    @TempDir
    static Path dir;
    static RedisServer redis;

    private final List<Switchboard> switchboards = new ArrayList<>();
    private final List<Gateway> gateways = new ArrayList<>();
    WireMockServer upstream;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(dir);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void startUpstream() {
        upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").containerThreads(32));
        upstream.start();
        stub(upstream);
    }

    /** The test class's provider answers. */
    abstract void stub(WireMockServer upstream);

    @AfterEach
    void stopGateways() {
        gateways.forEach(g -> g.shutdown(Duration.ofSeconds(1)));
        switchboards.forEach(Switchboard::close);
        upstream.stop();
    }

    /** Starts a gateway on {@code sb}; both are stopped after the test. */
    Gateway serve(Switchboard sb) {
        switchboards.add(sb);
        Gateway g = Gateway.start(sb);
        gateways.add(g);
        return g;
    }
}
