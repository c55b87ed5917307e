/**
 * Switchboard runtime: discovery, configuration, routes with fallback, retry and cooldown.
 *
 * <p>Users call {@code dev.switchboard.runtime} only. The other packages are the runtime's parts. The gateway and
 * the command line read their own config sections and price or meter calls with config and metering, so those two
 * are exported to them alone; plugins and routing stay inside.
 */
module dev.switchboard.runtime {
    requires transitive dev.switchboard.api;
    // Switchboard.Builder.config(Config) takes a Typesafe Config: a user of the runtime reads it too.
    requires transitive typesafe.config;
    requires java.logging;
    requires static org.jspecify; // nullness annotations, compile time only

    exports dev.switchboard.runtime;
    exports dev.switchboard.runtime.config to dev.switchboard.gateway, dev.switchboard.cli;
    exports dev.switchboard.runtime.metering to dev.switchboard.gateway, dev.switchboard.cli;
    exports dev.switchboard.runtime.routing to dev.switchboard.gateway, dev.switchboard.cli; // target groups and their stats, for `switchboard routes`
    exports dev.switchboard.runtime.state; // the state SPI: backends in their own modules implement it


    uses dev.switchboard.spi.ProviderFactory;
    uses dev.switchboard.runtime.state.StateBackend;
    uses dev.switchboard.runtime.state.UsageLogBackend;
}
