package dev.switchboard.runtime.config;

import java.time.Duration;

/** Durations as people read them in messages: {@code 250ms}, {@code 1.5s}, {@code 3m20s}, {@code 2h5m}. */
public final class Durations {

    private Durations() {}

    /** Rounded up, so a wait is never shown shorter than it is. */
    public static String text(Duration d) {
        long millis = d.isNegative() ? 0 : (d.toNanos() + 999_999) / 1_000_000;
        if (millis < 1000) {
            return millis + "ms";
        }
        long tenths = (millis + 99) / 100;
        if (tenths < 600) {
            return tenths % 10 == 0 ? tenths / 10 + "s" : tenths / 10 + "." + tenths % 10 + "s";
        }
        long seconds = (millis + 999) / 1000;
        if (seconds < 3600) {
            return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
        }
        long minutes = (seconds + 59) / 60;
        if (minutes < 24 * 60) {
            return minutes / 60 + "h" + (minutes % 60 == 0 ? "" : minutes % 60 + "m");
        }
        long hours = (minutes + 59) / 60;
        return hours / 24 + "d" + (hours % 24 == 0 ? "" : hours % 24 + "h");
    }
}
