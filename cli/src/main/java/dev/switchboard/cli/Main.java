package dev.switchboard.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code switchboard} command's entry point. The launcher passes the installation directory as the system
 * property {@code switchboard.home}; its {@code conf/switchboard.conf} and {@code plugins/} are then used.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        // UTF-8 whatever the platform default: answers are rarely ASCII, and Java 17 may default to it on a C locale.
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8));
        int code = new Cli(CliEnvironment.system(), out, err).run(args);
        System.exit(code);
    }
}
