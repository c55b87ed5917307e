package dev.switchboard.http;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the duration spellings providers use in headers and bodies: Go-style {@code 6m0s}, {@code 2m59.56s},
 * {@code 120ms}, {@code 1h2m}; protobuf-style {@code 22s}; and plain seconds {@code 1.5}.
 */
public final class DurationText {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|us|µs|ns|h|m|s)");

    private DurationText() {}

    public static Optional<Duration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (isNumber(s)) {
            return Optional.of(fromSeconds(Double.parseDouble(s)));
        }
        Matcher m = PART.matcher(s);
        int pos = 0;
        double nanos = 0;
        while (m.find()) {
            if (m.start() != pos) {
                return Optional.empty();
            }
            double v = Double.parseDouble(m.group(1));
            nanos += switch (m.group(2)) {
                case "h" -> v * 3_600e9;
                case "m" -> v * 60e9;
                case "s" -> v * 1e9;
                case "ms" -> v * 1e6;
                case "us", "µs" -> v * 1e3;
                default -> v;
            };
            pos = m.end();
        }
        return pos == s.length() && pos > 0 ? Optional.of(Duration.ofNanos((long) nanos)) : Optional.empty();
    }

    public static Duration fromSeconds(double seconds) {
        return Duration.ofNanos((long) (Math.max(0, seconds) * 1e9));
    }

    public static Duration fromMillis(double millis) {
        return Duration.ofNanos((long) (Math.max(0, millis) * 1e6));
    }

    static boolean isNumber(String s) {
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots <= 1 && !s.equals(".");
    }
}
