package dev.switchboard.state.embedded;

import java.nio.charset.StandardCharsets;

/**
 * A text column's value as the UTF-8 bytes the writer binds, encoded once for as long as the value repeats. The usage
 * log's names (provider, model, route, key, outcome, targets) are mostly the previous call's, and the driver's
 * {@code setString} encodes every value again into a new array (about a tenth of the writer's time); the statement
 * binds these bytes as a blob and casts them back ({@code CAST(? AS TEXT)}), so the column holds text as before.
 * It remembers one value, not a map: a caller that names a new model on every call costs one encoding per call, as it
 * did, and nothing more is kept. Not thread-safe: the store's writer thread keeps one per column.
 */
final class RepeatedText {

    private String value = "";
    private byte[] utf8 = new byte[0];

    /** {@code text} in UTF-8: the same array as last time when {@code text} is the same. */
    byte[] utf8(String text) {
        if (!text.equals(value)) {
            utf8 = text.getBytes(StandardCharsets.UTF_8);
            value = text;
        }
        return utf8;
    }
}
