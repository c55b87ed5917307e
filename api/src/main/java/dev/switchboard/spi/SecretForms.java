package dev.switchboard.spi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The shapes in which a secret value can appear in text that echoes it, as regular expressions: the value itself,
 * with any of its characters JSON-escaped (&#92;u0073, also with its backslash doubled as a second encoding leaves it,
 * {@code \"}, {@code \/}) or URL-encoded ({@code %73}, a
 * space as {@code +}), and its base64 encoding (standard and URL-safe, at any of the three byte alignments, so the
 * value is found inside a longer encoded text such as {@code base64("Bearer " + key)}).
 */
final class SecretForms {

    private SecretForms() {}

    /** One regular expression matching every form of {@code value}. */
    static String regex(String value) {
        List<String> forms = new ArrayList<>();
        forms.add(charWise(value));
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (String encoded : base64Cores(bytes)) {
            forms.add(literal(encoded));
        }
        forms.add(hexDigits(HexFormat.of().formatHex(bytes))); // echoes that dump header bytes in hex
        return "(?:" + String.join("|", forms) + ")";
    }

    /** Each code point as itself, a JSON escape or its URL-encoded bytes. */
    private static String charWise(String value) {
        StringBuilder sb = new StringBuilder();
        value.codePoints().forEach(cp -> {
            List<String> alternatives = new ArrayList<>();
            alternatives.add(literal(new String(Character.toChars(cp))));
            alternatives.add(jsonEscape(cp));
            String shortEscape = shortJsonEscape(cp);
            if (shortEscape != null) {
                alternatives.add(shortEscape);
            }
            alternatives.add(urlEncoded(cp));
            if (cp == ' ') {
                alternatives.add("\\+");
            }
            sb.append("(?:").append(String.join("|", alternatives)).append(')');
        });
        return sb.toString();
    }

    private static String jsonEscape(int cp) {
        StringBuilder sb = new StringBuilder();
        for (char c : Character.toChars(cp)) {
            sb.append("(?:\\\\)+u").append(hexDigits(String.format(Locale.ROOT, "%04x", (int) c)));
        }
        return sb.toString();
    }

    private static String shortJsonEscape(int cp) {
        return switch (cp) {
            case '"' -> "\\\\\"";
            case '\\' -> "\\\\\\\\";
            case '/' -> "\\\\/";
            case '\b' -> "\\\\b";
            case '\f' -> "\\\\f";
            case '\n' -> "\\\\n";
            case '\r' -> "\\\\r";
            case '\t' -> "\\\\t";
            default -> null;
        };
    }

    private static String urlEncoded(int cp) {
        StringBuilder sb = new StringBuilder();
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
            sb.append('%').append(hexDigits(String.format(Locale.ROOT, "%02x", b & 0xff)));
        }
        return sb.toString();
    }

    /** Hex digits matched in either case. */
    private static String hexDigits(String hex) {
        StringBuilder sb = new StringBuilder();
        for (char c : hex.toCharArray()) {
            sb.append(Character.isLetter(c) ? "[" + c + Character.toUpperCase(c) + "]" : String.valueOf(c));
        }
        return sb.toString();
    }

    /**
     * The base64 characters that depend on {@code bytes} alone, for each of the three positions the value can start at
     * within an encoded text; standard and URL-safe alphabets.
     */
    static List<String> base64Cores(byte[] bytes) {
        List<String> cores = new ArrayList<>();
        for (int offset = 0; offset < 3; offset++) {
            byte[] shifted = new byte[offset + bytes.length];
            System.arraycopy(bytes, 0, shifted, offset, bytes.length);
            String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
            int first = (offset * 8 + 5) / 6;                 // the first character made of the value's bits only
            int end = ((offset + bytes.length) * 8) / 6;      // past the last character made of them only
            if (end - first < 6) {
                continue;                                     // too short to be told apart from other text
            }
            String core = encoded.substring(first, end);
            cores.add(core);
            String urlSafe = core.replace('+', '-').replace('/', '_');
            if (!urlSafe.equals(core)) {
                cores.add(urlSafe);
            }
        }
        return cores;
    }

    private static String literal(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append("\\x{").append(Integer.toHexString(cp)).append('}'));
        return sb.toString();
    }
}
