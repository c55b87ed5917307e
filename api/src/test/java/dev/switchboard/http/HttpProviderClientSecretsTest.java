package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.SecretRegistry;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A provider built on the shared client has its credentials registered without doing anything itself. */
@Timeout(10)
class HttpProviderClientSecretsTest {

    @Test
    void registersTheKeyAndTheCredentialHeadersOfTheProvider() {
        // given
        SecretRegistry secrets = SecretRegistry.create();
        String key = "sk-" + "registered-not-real";
        ProviderSettings settings = ProviderSettings.builder("p", "openai").apiKey(key)
                .headers(Map.of("X-Custom-Token", "custom-" + "token-not-real", "X-Team", "visible-team")).build();

        // when
        try (HttpTransport transport = HttpTransport.create()) {
            HttpProviderClient client = HttpProviderClient.create(settings,
                    new ProviderContext(transport, Clock.systemUTC(), secrets),
                    Map.of("Helicone-Auth", "Bearer helicone-" + "not-real"), StandardErrorMapper.INSTANCE);

            // then
            assertThat(secrets.mask(key + " custom-token-not-real helicone-not-real visible-team"))
                    .isEqualTo("**** **** **** visible-team");
            assertThat(client.redactor().secrets()).isSameAs(secrets);
        }
    }
}
