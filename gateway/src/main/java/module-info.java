/** The OpenAI-compatible gateway server, embeddable. */
module dev.switchboard.gateway {
    requires transitive dev.switchboard.runtime;
    requires static org.jspecify; // nullness annotations, compile time only

    exports dev.switchboard.gateway;
}
