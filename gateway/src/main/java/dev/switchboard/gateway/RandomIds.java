package dev.switchboard.gateway;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random ids: a prefix and random non-negative longs in base 36, the text {@code prefix + Long.toString(r.nextLong()
 * >>> 1, 36) + ...} gives, written into one buffer. {@code Long.toString(n, 36)} fills a 65-byte buffer and copies the
 * digits into a string, and the concatenation copies them again; here the digits are copied once, into the id.
 */
final class RandomIds {

    private static final byte[] DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
    /** The most base-36 digits of a non-negative long: 36^12 < 2^63 <= 36^13. */
    private static final int MAX_DIGITS = 13;

    private RandomIds() {}

    /** {@code prefix} (ASCII) and {@code count} random non-negative longs, each in base 36. */
    static String of(String prefix, int count) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] text = new byte[prefix.length() + count * MAX_DIGITS];
        int end = 0;
        for (; end < prefix.length(); end++) {
            text[end] = (byte) prefix.charAt(end); // ASCII: each char is its byte
        }
        for (int i = 0; i < count; i++) {
            end = appendBase36(text, end, random.nextLong() >>> 1);
        }
        return new String(text, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** Writes {@code n} (not negative) in base 36 at {@code at}, as {@link Long#toString(long, int)} does. */
    static int appendBase36(byte[] text, int at, long n) {
        int digits = 1;
        for (long rest = n / 36; rest != 0; rest /= 36) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            text[i] = DIGITS[(int) (n % 36)];
            n /= 36;
        }
        return at + digits;
    }
}
