package dev.switchboard.state.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Cost;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlainDecimalTextTest {

    private final PlainDecimalText text = new PlainDecimalText();

    @Test
    void writesWhatToPlainStringWritesForRandomValuesOfEveryScaleItHandles() {
        SplittableRandom random = new SplittableRandom(29);
        for (int i = 0; i < 200_000; i++) {
            // Unscaled values of 1 to 18 digits, either sign, at every scale the formatter writes itself and beyond.
            long bound = BigInteger.TEN.pow(1 + random.nextInt(18)).longValueExact();
            long unscaled = random.nextLong(-bound + 1, bound);
            int scale = random.nextInt(-PlainDecimalText.MAX_SCALE - 3, PlainDecimalText.MAX_SCALE + 4);
            assertSameAsToPlainString(BigDecimal.valueOf(unscaled, scale));
        }
    }

    @Test
    void writesZeroAtEveryScaleAsToPlainStringDoes() {
        for (int scale = -PlainDecimalText.MAX_SCALE - 2; scale <= PlainDecimalText.MAX_SCALE + 2; scale++) {
            assertSameAsToPlainString(BigDecimal.valueOf(0, scale));
        }
        assertThat(text.format(BigDecimal.ZERO)).isEqualTo("0");
        assertThat(text.format(new BigDecimal("0.000"))).isEqualTo("0.000");
        assertThat(text.format(new BigDecimal("0E+5"))).isEqualTo("0");
        assertThat(text.utf8(new BigDecimal("0E+5"))).containsExactly('0');
    }

    @Test
    void writesTheEdgesOfALongAndTheCostsOfCalls() {
        assertThat(text.format(new BigDecimal("0.000027"))).isEqualTo("0.000027");
        assertThat(text.format(new BigDecimal("123.45"))).isEqualTo("123.45");
        assertThat(text.format(new BigDecimal("-0.005"))).isEqualTo("-0.005");
        assertThat(text.format(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(text.format(BigDecimal.valueOf(999_999_999_999_999_999L, 12))).isEqualTo("999999.999999999999");
        assertThat(text.format(BigDecimal.valueOf(-999_999_999_999_999_999L, 0))).isEqualTo("-999999999999999999");
        // Past 18 digits, or a scale past the buffer: toPlainString's own text.
        assertSameAsToPlainString(BigDecimal.valueOf(Long.MAX_VALUE, 6));
        assertSameAsToPlainString(BigDecimal.valueOf(Long.MIN_VALUE, 3));
        assertSameAsToPlainString(new BigDecimal("123456789012345678901234567890.123456789"));
        assertSameAsToPlainString(new BigDecimal("1E-60"));
        assertSameAsToPlainString(new BigDecimal("-7E+60"));
        // Costs as the metering makes them: whole picodollars, trailing zeros stripped.
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long picos = random.nextLong(0, 1_000_000_000_000_000L) >>> random.nextInt(60);
            BigDecimal usd = Cost.usd(BigDecimal.valueOf(picos, 12)).usd().orElseThrow();
            assertSameAsToPlainString(usd);
        }
    }

    /** Both forms, the string and the bytes a statement binds. */
    private void assertSameAsToPlainString(BigDecimal value) {
        assertThat(text.format(value)).as("%s (unscaled %s, scale %d)", value, value.unscaledValue(), value.scale())
                .isEqualTo(value.toPlainString());
        assertThat(new String(text.utf8(value), StandardCharsets.UTF_8))
                .as("%s as bytes (unscaled %s, scale %d)", value, value.unscaledValue(), value.scale())
                .isEqualTo(value.toPlainString());
    }
}
