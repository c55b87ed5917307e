/** The provider contract suite and fixture helpers. */
module dev.switchboard.testkit {
    requires transitive dev.switchboard.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;
    requires transitive org.assertj.core;
    requires transitive wiremock.standalone;
    requires transitive java.logging;
    requires transitive java.sql;
    requires jdk.httpserver;
    // No 'requires static org.jspecify': wiremock-standalone bundles org.jspecify.annotations, and a module may not
    // read one package from two modules; the package-info's @NullMarked resolves to that copy (the same annotation).

    exports dev.switchboard.testkit;
    // JUnit creates subclasses' instances and calls the inherited test methods reflectively.
    opens dev.switchboard.testkit to org.junit.platform.commons;

    uses dev.switchboard.spi.ProviderFactory;
}
