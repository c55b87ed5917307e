package dev.switchboard.cli;

import picocli.CommandLine.Option;

/** {@code -h, --help} for a subcommand (the version option belongs to the top command only). */
final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
