/** Switchboard runtime: discovery, configuration, routes with fallback, retry and cooldown. */
module dev.switchboard.runtime {
    requires transitive dev.switchboard.api;
    requires java.logging;

    exports dev.switchboard.runtime;

    uses dev.switchboard.spi.ProviderFactory;
}
