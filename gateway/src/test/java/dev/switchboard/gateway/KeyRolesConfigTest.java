package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.switchboard.runtime.SwitchboardConfigException;
import org.junit.jupiter.api.Test;

/** Reading admin keys and open endpoints: each mistake names the entry and its line, never a key. */
class KeyRolesConfigTest {

    private static GatewayConfig read(String... lines) {
        return GatewayConfig.from(ConfigFactory.parseString(String.join("\n", lines),
                ConfigParseOptions.defaults().setOriginDescription("switchboard.conf")));
    }

    @Test
    void byDefaultNoKeyIsAnAdminAndNoEndpointIsOpen() {
        GatewayConfig c = read("switchboard.gateway.keys = [ \"a-key-not-real-at-all\" ]");

        assertThat(c.keys()).extracting(AccessKey::admin).containsExactly(false);
        assertThat(c.openEndpoints()).isEmpty();
    }

    @Test
    void anAdminKeysEntryThatIsNoConfiguredKeyIsAnErrorThatDoesNotShowIt() {
        assertThatThrownBy(() -> read(
                "switchboard.gateway.keys = [ { key = \"a-key-not-real-at-all\", name = team-a } ]",
                "switchboard.gateway.admin-keys = [ team-a,",
                "  \"secret-admin-value-not-real\" ]"))
                .isInstanceOf(SwitchboardConfigException.class)
                .hasMessage("switchboard.conf:3: switchboard.gateway.admin-keys[1]: is not one of switchboard.gateway.keys;"
                        + " give the name of a configured key (e.g. \"ops\") or its value");
    }

    @Test
    void anEmptyAdminKeysEntryIsAnError() {
        assertThatThrownBy(() -> read(
                "switchboard.gateway.keys = [ \"a-key-not-real-at-all\" ]",
                "switchboard.gateway.admin-keys = [ \" \" ]"))
                .hasMessageContaining("switchboard.conf:2: switchboard.gateway.admin-keys[0]: is empty");
    }

    @Test
    void anAdminFlagThatIsNoBooleanIsAnError() {
        assertThatThrownBy(() -> read("switchboard.gateway.keys = [ { key = \"a-key-not-real-at-all\", admin = maybe } ]"))
                .isInstanceOf(SwitchboardConfigException.class)
                .hasMessageContaining("switchboard.conf:1: switchboard.gateway.keys[0].admin: must be true or false");
    }

    @Test
    void openEndpointsTakeNamesOrPathsAndIgnoreHealth() {
        GatewayConfig c = read("switchboard.gateway.open-endpoints = [ ready, \"/metrics\", \"/v1/usage\", health ]");

        assertThat(c.openEndpoints()).containsExactlyInAnyOrder("ready", "metrics", "usage");
    }

    @Test
    void anUnknownOpenEndpointIsAnErrorListingTheKnownOnes() {
        assertThatThrownBy(() -> read("switchboard.gateway.open-endpoints = [", "  metric ]"))
                .isInstanceOf(SwitchboardConfigException.class)
                .hasMessage("switchboard.conf:2: switchboard.gateway.open-endpoints[0]: 'metric' is not an endpoint that"
                        + " can be opened; known: metrics, ready, usage (/health is always open)");
        assertThatThrownBy(() -> read("switchboard.gateway.open-endpoints = [ chat ]"))
                .hasMessageContaining("'chat' is not an endpoint that can be opened");
    }

    @Test
    void anAdminKeysEntryForAKeyLeftOutForItsOwnProblemGivesOnlyThatProblem() {
        assertThatThrownBy(() -> read(
                "switchboard.gateway.keys = [ { key = \"a-key-not-real-at-all\", name = ops, requests-per-minute = 0 } ]",
                "switchboard.gateway.admin-keys = [ ops ]"))
                .isInstanceOf(SwitchboardConfigException.class)
                .hasMessage("switchboard.conf:1: switchboard.gateway.keys[0].requests-per-minute: must be at least 1,"
                        + " was 0");
    }
}
