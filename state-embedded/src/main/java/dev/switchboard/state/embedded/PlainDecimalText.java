package dev.switchboard.state.embedded;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a {@link BigDecimal} as {@link BigDecimal#toPlainString()} does (digits, a point, no exponent), for the
 * {@code cost_usd} text of every usage-log row: from its unscaled value and scale, digit by digit into a buffer it
 * keeps, so a row's cost is one string, where {@code toPlainString} makes a string of the unscaled value, a builder
 * around it and the final string. A value whose unscaled part a {@code long} cannot hold (more than 18 digits) or
 * whose scale is beyond {@value #MAX_SCALE} either way is left to {@code toPlainString}; costs never are. Not
 * thread-safe: the store's writer thread keeps one.
 */
final class PlainDecimalText {

    /** The largest scale (either sign) written here; the buffer holds a sign, 18 digits, a point and the zeros. */
    static final int MAX_SCALE = 40;
    /** Digits of the largest unscaled value written here: {@code 10^18 - 1} fits in a long, negated too. */
    private static final int MAX_DIGITS = 18;

    private final byte[] text = new byte[1 + MAX_DIGITS + 1 + MAX_SCALE + 1];

    /** {@code value.toPlainString()}. */
    String format(BigDecimal value) {
        int at = write(value);
        return at < 0 ? value.toPlainString() : new String(text, at, text.length - at, StandardCharsets.ISO_8859_1);
    }

    /** {@code value.toPlainString()} as UTF-8 (ASCII) bytes: what a statement binds without the driver encoding it. */
    byte[] utf8(BigDecimal value) {
        int at = write(value);
        return at < 0 ? value.toPlainString().getBytes(StandardCharsets.US_ASCII)
                : Arrays.copyOfRange(text, at, text.length);
    }

    /**
     * Writes {@code value}'s plain digits at the end of {@link #text}: where they start, or -1 for a value left to
     * {@code toPlainString}.
     */
    private int write(BigDecimal value) {
        int scale = value.scale();
        if (value.precision() > MAX_DIGITS || scale > MAX_SCALE || scale < -MAX_SCALE) {
            return -1;
        }
        // The unscaled value as a decimal of scale 0: a short-lived object the JIT leaves out once this is inlined.
        long unscaled = value.scaleByPowerOfTen(scale).longValue();
        int end = text.length;
        if (unscaled == 0 && scale <= 0) {
            text[end - 1] = '0'; // toPlainString of 0E+3 is 0, not 000
            return end - 1;
        }
        int at = end;
        if (scale < 0) {
            for (int i = 0; i < -scale; i++) {
                text[--at] = '0';
            }
        }
        long rest = Math.abs(unscaled);
        int digits = 0;
        // At least scale + 1 digits, leading zeros included, so that 5 at scale 3 reads 0.005.
        while (rest != 0 || digits <= scale) {
            if (scale > 0 && digits == scale) {
                text[--at] = '.';
            }
            text[--at] = (byte) ('0' + rest % 10);
            rest /= 10;
            digits++;
        }
        if (unscaled < 0) {
            text[--at] = '-';
        }
        return at;
    }
}
