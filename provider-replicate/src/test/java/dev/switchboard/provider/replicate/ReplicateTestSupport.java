package dev.switchboard.provider.replicate;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Timeouts;
import dev.switchboard.testkit.RequestSchemas;
import dev.switchboard.testkit.SpecCheckedWireMock;
import dev.switchboard.testkit.Fixtures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Settings, fixtures, a fake clock and the stub server shared by the Replicate wire tests. */
final class ReplicateTestSupport {

    static final String KEY = "test-key-not-real";
    static final String NAME = "replicate-test";
    static final String MODEL = "meta/meta-llama-3-8b-instruct";
    static final String CREATE = "/v1/models/" + MODEL + "/predictions";
    static final String ID = "gm3qorzdhgbfurvjtvhg6dckhu";
    static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));
    static final Config DEFAULTS = ConfigFactory.parseResources(ReplicateTestSupport.class.getClassLoader(), "reference.conf")
            .getConfig("switchboard.provider-defaults.replicate");

    private ReplicateTestSupport() {}

    /** Request bodies are checked against these schemas of the provider's published spec (see each file's $comment). */
    static final RequestSchemas SCHEMAS = RequestSchemas.builder()
            .schema("POST", ".*/models/[^/]+/[^/]+/predictions", "schemas/replicate-prediction-request.json")
            .schema("POST", ".*/predictions", "schemas/replicate-prediction-request.json")
            .build();

    static WireMockExtension wireMock() {
        return SpecCheckedWireMock.of(SCHEMAS);
    }

    static String base(WireMockExtension server) {
        return "http://127.0.0.1:" + server.getPort();
    }

    static ProviderSettings.Builder settings(WireMockExtension server) {
        return ProviderSettings.builder(NAME, "replicate")
                .baseUrl(base(server) + "/v1")
                .apiKey(KEY)
                .apiKeyEnv(DEFAULTS.getString("api-key-env"))
                .model(DEFAULTS.getString("model"))
                .timeouts(TIMEOUTS)
                .options(DEFAULTS.root().unwrapped());
    }

    static ReplicateProvider provider(ProviderSettings settings, HttpTransport transport, FakeTime time) {
        return new ReplicateProvider(settings, new ProviderContext(transport, time), time);
    }

    /** A documented body with its stream URL pointed at the stub server. */
    static String fixture(String name, WireMockExtension server) {
        return Fixtures.load("fixtures/replicate/" + name).replace("https://stream.replicate.com", base(server));
    }

    /** A clock that moves only when the provider sleeps; records every sleep. */
    static final class FakeTime extends Clock implements Sleeper {
        private Instant now = Instant.parse("2024-07-24T15:00:00Z");
        final List<Duration> sleeps = new ArrayList<>();

        @Override
        public void sleep(Duration duration) {
            sleeps.add(duration);
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
