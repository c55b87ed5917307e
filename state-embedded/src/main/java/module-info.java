/**
 * The {@code embedded} state backend: Switchboard's budgets, rate limits, cooldowns and usage in a SQLite file under
 * {@code switchboard.state.data-dir}, kept across restarts.
 */
module dev.switchboard.state.embedded {
    requires dev.switchboard.runtime;
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    requires static org.jspecify;

    exports dev.switchboard.state.embedded;

    provides dev.switchboard.runtime.state.StateBackend with dev.switchboard.state.embedded.EmbeddedStateBackend;
}
