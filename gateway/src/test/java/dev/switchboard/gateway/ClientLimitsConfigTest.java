package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The client limits as read from {@code switchboard.gateway}: the shipped defaults, overrides, and mistakes. */
class ClientLimitsConfigTest {

    @Test
    void shipsTheDocumentedDefaults() {
        assertThat(GatewayConfig.defaults().clientLimits()).isEqualTo(ClientLimits.DEFAULTS)
                .isEqualTo(new ClientLimits(8192, 32768, 100, Duration.ofSeconds(30), 1024, Duration.ofSeconds(10), 2048));
    }

    @Test
    void readsEveryLimit() {
        GatewayConfig c = GatewayConfig.from(ConfigFactory.parseString(String.join("\n",
                "switchboard.gateway {",
                "  max-request-line = 4 KiB, max-header-bytes = 16 KiB, max-header-count = 50, head-timeout = 5s,",
                "  min-body-rate = 512, min-body-rate-window = 2s, max-connections = 100",
                "}")));

        assertThat(c.clientLimits()).isEqualTo(
                new ClientLimits(4096, 16384, 50, Duration.ofSeconds(5), 512, Duration.ofSeconds(2), 100));
        assertThat(c.clientLimits().minBytesPerWindow()).isEqualTo(1024);
    }

    @Test
    void aBadLimitIsOneLineNamingItsKeyAndWhereItIsWritten() {
        assertThatThrownBy(() -> GatewayConfig.from(ConfigFactory.parseString(
                "switchboard.gateway.head-timeout = 0s\nswitchboard.gateway.max-connections = lots",
                com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("test.conf"))))
                .hasMessageContaining("switchboard.gateway.head-timeout")
                .hasMessageContaining("switchboard.gateway.max-connections")
                .hasMessageContaining("test.conf");
    }
}
