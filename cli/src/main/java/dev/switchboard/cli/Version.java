package dev.switchboard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** The version the build wrote into {@code version.properties}. */
final class Version implements CommandLine.IVersionProvider {

    static String current() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the version: " + e.getMessage(), e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"switchboard " + current()};
    }
}
