/** The provider contract suite and fixture helpers. */
module dev.switchboard.testkit {
    requires transitive dev.switchboard.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;
    requires transitive org.assertj.core;
    requires transitive wiremock.standalone;
    requires transitive java.logging;
    requires jdk.httpserver;

    exports dev.switchboard.testkit;
    // JUnit creates subclasses' instances and calls the inherited test methods reflectively.
    opens dev.switchboard.testkit to org.junit.platform.commons;

    uses dev.switchboard.spi.ProviderFactory;
}
