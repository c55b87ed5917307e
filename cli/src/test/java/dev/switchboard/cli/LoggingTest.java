package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** What the default log level shows of a state backend's outage, and what it leaves to --verbose. */
class LoggingTest {

    @Test
    void anOutagesStartAndEndShowByDefaultAndTheRedisClientsReconnectionWarningsDoNot() {
        StringWriter out = new StringWriter();
        Logging.configure(false, new PrintWriter(out, true), new Redaction(Map.of()));
        System.Logger state = System.getLogger("dev.switchboard.runtime.state.FailurePolicyStore");
        state.log(System.Logger.Level.ERROR, "the state backend redis is unreachable (x)");
        Logger.getLogger("io.lettuce.core.protocol.ConnectionWatchdog")
                .log(Level.WARNING, "Cannot reconnect to [127.0.0.1/<unresolved>:16379]: Connection refused");
        // the end of an outage is logged as a warning so that it shows beside its start
        state.log(System.Logger.Level.WARNING, "the state backend redis is reachable again");
        assertThat(out.toString()).contains("switchboard: error: the state backend redis is unreachable (x)",
                "switchboard: warning: the state backend redis is reachable again")
                .doesNotContain("Cannot reconnect");
    }
}
