/** The OpenAI-compatible gateway server, embeddable. */
module dev.switchboard.gateway {
    requires transitive dev.switchboard.runtime;
    requires com.github.benmanes.caffeine; // the response cache; no exported signature names it
    requires org.apache.httpcomponents.core5.httpcore5; // the server; no exported signature names it
    requires static org.jspecify; // nullness annotations, compile time only

    exports dev.switchboard.gateway;
}
