/** The {@code switchboard} command line. */
module dev.switchboard.cli {
    requires dev.switchboard.runtime;
    requires dev.switchboard.gateway;
    requires info.picocli;
    requires java.logging;

    // picocli reads the command classes' annotations and sets their fields reflectively.
    opens dev.switchboard.cli to info.picocli;
}
