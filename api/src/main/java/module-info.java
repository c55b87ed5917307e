/** Switchboard's user API, provider SPI, shared HTTP layer and OpenAI-compatible base. */
module dev.switchboard.api {
    // Jackson's tree model is the one library the contract hands on: wire codecs read and write JsonNode (see the
    // README, "What plugins share with the host"). HttpClient, HttpCore and Typesafe Config are the api's own
    // implementation: no exported signature names them, so a module reading the api does not read them.
    requires transitive com.fasterxml.jackson.databind;
    requires org.apache.httpcomponents.client5.httpclient5;
    requires org.apache.httpcomponents.core5.httpcore5;
    requires typesafe.config;
    // Nullness annotations (@NullMarked, @Nullable): needed to compile, never at run time. Not transitive: the testkit
    // reads the same package from wiremock-standalone, which bundles it, and a module may not read it twice.
    requires static org.jspecify;

    exports dev.switchboard.api;
    exports dev.switchboard.spi;
    exports dev.switchboard.http;
    exports dev.switchboard.openai;
    exports dev.switchboard.internal to dev.switchboard.runtime, dev.switchboard.gateway;

    uses dev.switchboard.spi.ProviderFactory;
}
