package dev.switchboard.provider.replicate;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Replicate model reference: {@code owner/name} (an official model, run through its own predictions endpoint),
 * {@code owner/name:version} or a bare 64-hex version id (run through {@code /predictions} with that version).
 */
record ModelRef(String owner, String name, Optional<String> version) {

    private static final Pattern REF = Pattern.compile("([A-Za-z0-9][\\w.-]*)/([A-Za-z0-9][\\w.-]*)(?::([0-9a-f]{64}))?");
    private static final Pattern VERSION = Pattern.compile("[0-9a-f]{64}");

    /** The reference, or empty when {@code model} is none of the three forms. */
    static Optional<ModelRef> parse(String model) {
        String m = model.strip();
        if (VERSION.matcher(m).matches()) {
            return Optional.of(new ModelRef(null, null, Optional.of(m)));
        }
        Matcher r = REF.matcher(m);
        if (!r.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ModelRef(r.group(1), r.group(2), Optional.ofNullable(r.group(3))));
    }

    /** The create path under the base URL: {@code /models/owner/name/predictions} or {@code /predictions}. */
    String createPath() {
        if (version.isPresent()) {
            return "/predictions";
        }
        return "/models/" + URLEncoder.encode(owner, StandardCharsets.UTF_8) + "/"
                + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/predictions";
    }

    /** {@code owner/name}, or the version id alone. */
    String display() {
        return owner == null ? version.orElse("") : owner + "/" + name;
    }
}
