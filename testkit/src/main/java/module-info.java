/** The provider contract suite and fixture helpers. */
module dev.switchboard.testkit {
    requires transitive dev.switchboard.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires transitive wiremock.standalone;

    exports dev.switchboard.testkit;
}
