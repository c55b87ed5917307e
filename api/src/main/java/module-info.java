/** Switchboard's user API, provider SPI, shared HTTP layer and OpenAI-compatible base. */
module dev.switchboard.api {
    requires transitive com.fasterxml.jackson.databind;
    requires transitive org.apache.httpcomponents.client5.httpclient5;
    requires transitive org.apache.httpcomponents.core5.httpcore5;
    requires transitive typesafe.config;
    // Nullness annotations: read at compile time by users and plugins (transitive), never needed at run time.
    requires static transitive org.jspecify;

    exports dev.switchboard.api;
    exports dev.switchboard.spi;
    exports dev.switchboard.http;
    exports dev.switchboard.openai;
    exports dev.switchboard.internal to dev.switchboard.runtime;

    uses dev.switchboard.spi.ProviderFactory;
}
