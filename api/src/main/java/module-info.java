/** Switchboard's user API, provider SPI, shared HTTP layer and OpenAI-compatible base. */
module dev.switchboard.api {
    requires transitive com.fasterxml.jackson.databind;
    requires transitive org.apache.httpcomponents.client5.httpclient5;
    requires transitive org.apache.httpcomponents.core5.httpcore5;
    requires transitive typesafe.config;
    // Nullness annotations (@NullMarked, @Nullable): needed to compile, never at run time. Not transitive: the testkit
    // reads the same package from wiremock-standalone, which bundles it, and a module may not read it twice.
    requires static org.jspecify;

    exports dev.switchboard.api;
    exports dev.switchboard.spi;
    exports dev.switchboard.http;
    exports dev.switchboard.openai;
    exports dev.switchboard.internal to dev.switchboard.runtime;

    uses dev.switchboard.spi.ProviderFactory;
}
