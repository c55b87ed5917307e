package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Writes the canonical form of a chat request body for {@link ResponseCache}'s key straight from the body's bytes,
 * with a streaming parser: the same text {@link ResponseCache#canonicalTree} writes from the body's JSON tree (fields
 * sorted at every level, a repeated field counted once with its last value, fields whose value is JSON null left
 * out, numbers by value; at the top level without the fields that do not change the answer or that state a default),
 * without building the tree. A body it is not sure of (a number too large for a {@code long}, not finite, or any
 * parse failure) makes it give up, and the key is written from the tree.
 *
 * <p>One per thread, reused: its text, its field stack and its digest hold no state between two keys.
 */
final class CanonicalBody {

    private static final ThreadLocal<CanonicalBody> PER_THREAD = ThreadLocal.withInitial(CanonicalBody::new);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Buffers past this size are not kept for the thread's next key. */
    private static final int KEEP = 64 * 1024;

    /** Gives up on a body. Thrown without a stack trace. */
    private static final class GiveUp extends Exception {
        private static final long serialVersionUID = 1L;
        static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super(null, null, false, false);
        }
    }

    private final StringBuilder out = new StringBuilder(512);
    private final MessageDigest sha256;
    // The fields of the objects being written, innermost object's last: name (null once a later field of the same
    // name replaced it), and where the field's text starts and ends in out.
    private String[] names = new String[32];
    private int[] starts = new int[32];
    private int[] ends = new int[32];
    private int fields;
    private char[] scratch = new char[512];
    private byte[] utf8 = new byte[512];
    private final byte[] digest = new byte[32];
    private final byte[] hex = new byte[64];
    /** Whether the body's top-level temperature is a number equal to 0. */
    private boolean temperatureZero;

    private CanonicalBody() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256"); // looking it up costs more than hashing a key: once a thread
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** This thread's instance. */
    static CanonicalBody get() {
        return PER_THREAD.get();
    }

    /** Starts a key: returns the empty text to append the key's prefix to. */
    StringBuilder start() {
        out.setLength(0);
        fields = 0;
        temperatureZero = false;
        return out;
    }

    /** Ends a key: lets a large body's buffers go. */
    void done() {
        if (out.capacity() > KEEP || scratch.length > KEEP || utf8.length > KEEP) {
            PER_THREAD.remove();
        }
    }

    /** Whether the body's top-level {@code temperature} is a number equal to 0 (so the answer is not sampled). */
    boolean temperatureZero() {
        return temperatureZero;
    }

    /** Sets what {@link #temperatureZero} says, for a body written from its tree. */
    void temperatureZero(boolean zero) {
        temperatureZero = zero;
    }

    /** Appends the canonical form of the JSON object {@code body[0, length)}; false when it gave up (text left over). */
    boolean append(byte[] body, int length) {
        try (JsonParser p = JsonBodies.FACTORY.createParser(body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            object(p, true);
            return true;
        } catch (GiveUp | IOException | RuntimeException e) {
            return false;
        }
    }

    /** The SHA-256 of the text, in hex. */
    String sha256() {
        int n = out.length();
        byte[] bytes;
        if (utf8.length < n) {
            utf8 = new byte[Math.max(n, utf8.length * 2)];
        }
        bytes = utf8;
        for (int i = 0; i < n; i++) {
            char c = out.charAt(i);
            if (c >= 0x80) { // not ASCII: the JDK's encoder, which also knows surrogate pairs
                bytes = out.toString().getBytes(StandardCharsets.UTF_8);
                n = bytes.length;
                break;
            }
            bytes[i] = (byte) c;
        }
        sha256.update(bytes, 0, n);
        try {
            sha256.digest(digest, 0, digest.length); // digest() resets it for the next key
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("a SHA-256 digest is 32 bytes", e);
        }
        for (int i = 0; i < digest.length; i++) {
            hex[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            hex[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(hex, 0, hex.length, StandardCharsets.ISO_8859_1);
    }

    private void value(JsonParser p, JsonToken t) throws IOException, GiveUp {
        switch (t) {
            case START_OBJECT -> object(p, false);
            case START_ARRAY -> {
                out.append('[');
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    value(p, e);
                    out.append(',');
                }
                out.append(']');
            }
            case VALUE_STRING -> string(p);
            case VALUE_NUMBER_INT -> {
                JsonParser.NumberType type = p.getNumberType();
                if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
                    throw GiveUp.INSTANCE;
                }
                out.append(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> { // the tree keeps it as a double: its value, not its text
                double d = p.getDoubleValue();
                if (!Double.isFinite(d)) {
                    throw GiveUp.INSTANCE;
                }
                out.append(BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
            }
            case VALUE_TRUE -> out.append("true");
            case VALUE_FALSE -> out.append("false");
            case VALUE_NULL -> out.append("null");
            default -> throw GiveUp.INSTANCE;
        }
    }

    /** A string value, quoted; its characters appended from the parser's buffer when none needs escaping. */
    private void string(JsonParser p) throws IOException {
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        int length = p.getTextLength();
        out.append('"');
        for (int i = offset; i < offset + length; i++) {
            char c = chars[i];
            if (c < 0x20 || c == '"' || c == '\\') {
                ResponseCache.escaped(p.getText(), out);
                out.append('"');
                return;
            }
        }
        out.append(chars, offset, length).append('"');
    }

    /** An object, its fields sorted by name; the parser is at its start. */
    private void object(JsonParser p, boolean top) throws IOException, GiveUp {
        out.append('{');
        int base = fields;
        int regionStart = out.length();
        boolean reorder = false;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            for (int i = base; i < fields; i++) { // a repeated field: the tree keeps its last value only
                if (name.equals(names[i])) {
                    names[i] = null;
                    reorder = true;
                }
            }
            boolean number = v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT;
            if (top && name.equals("temperature")) {
                temperatureZero = false; // until its value says 0
            }
            if (v == JsonToken.VALUE_NULL || top && ResponseCache.ignored(name)) {
                p.skipChildren();
                continue;
            }
            int fieldStart = out.length();
            ResponseCache.escaped(name, out);
            out.append(':');
            int valueStart = out.length();
            value(p, v);
            if (top) {
                if (number && name.equals("temperature")) {
                    temperatureZero = equals(valueStart, "0");
                }
                String d = ResponseCache.defaultNumber(name);
                if (number && d != null && equals(valueStart, d)
                        || v == JsonToken.VALUE_TRUE && ResponseCache.defaultsToTrue(name)) {
                    out.setLength(fieldStart); // what leaving it out means
                    continue;
                }
            }
            out.append(',');
            if (fields > base && !reorder && names[fields - 1] != null && names[fields - 1].compareTo(name) > 0) {
                reorder = true;
            }
            push(name, fieldStart, out.length());
        }
        if (reorder) {
            sortFields(base, regionStart);
        }
        fields = base;
        out.append('}');
    }

    /** Whether the text from {@code start} to the end is {@code text}. */
    private boolean equals(int start, String text) {
        if (out.length() - start != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (out.charAt(start + i) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void push(String name, int start, int end) {
        if (fields == names.length) {
            names = java.util.Arrays.copyOf(names, fields * 2);
            starts = java.util.Arrays.copyOf(starts, fields * 2);
            ends = java.util.Arrays.copyOf(ends, fields * 2);
        }
        names[fields] = name;
        starts[fields] = start;
        ends[fields] = end;
        fields++;
    }

    /**
     * Rewrites the text of the object's fields ({@code fields} from {@code base}, their text from {@code regionStart})
     * in the order of their names, without the replaced ones. An insertion sort: objects have few fields.
     */
    private void sortFields(int base, int regionStart) {
        int live = base;
        for (int i = base; i < fields; i++) { // drop the replaced fields, keeping the order of the others
            if (names[i] != null) {
                names[live] = names[i];
                starts[live] = starts[i];
                ends[live] = ends[i];
                live++;
            }
        }
        for (int i = base + 1; i < live; i++) {
            String name = names[i];
            int start = starts[i];
            int end = ends[i];
            int j = i - 1;
            while (j >= base && names[j].compareTo(name) > 0) {
                names[j + 1] = names[j];
                starts[j + 1] = starts[j];
                ends[j + 1] = ends[j];
                j--;
            }
            names[j + 1] = name;
            starts[j + 1] = start;
            ends[j + 1] = end;
        }
        int length = out.length() - regionStart;
        if (scratch.length < length) {
            scratch = new char[Math.max(length, scratch.length * 2)];
        }
        out.getChars(regionStart, out.length(), scratch, 0);
        out.setLength(regionStart);
        for (int i = base; i < live; i++) {
            out.append(scratch, starts[i] - regionStart, ends[i] - starts[i]);
        }
    }
}
