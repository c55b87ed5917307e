package dev.switchboard.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResponseLimitsValueTest {

    @Test
    void defaultsAreSixteenOneAndSixtyFourMiB() {
        assertThat(ResponseLimits.DEFAULTS).isEqualTo(new ResponseLimits(16L << 20, 1L << 20, 64L << 20));
        assertThat(ProviderSettings.builder("p", "openai").build().responseLimits()).isEqualTo(ResponseLimits.DEFAULTS);
    }

    @Test
    void refusesALimitUnderOneKiBNamingItsKey() {
        assertThatThrownBy(() -> new ResponseLimits(1024, 100, 4096))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max-line-bytes must be at least 1024 bytes, was 100");
    }

    @Test
    void describesSizesAsTheyAreWrittenInConfig() {
        assertThat(ResponseLimits.describe(16L << 20)).isEqualTo("16MiB");
        assertThat(ResponseLimits.describe(2L << 30)).isEqualTo("2GiB");
        assertThat(ResponseLimits.describe(1536)).isEqualTo("1536 bytes");
        assertThat(ResponseLimits.describe(8 * 1024)).isEqualTo("8KiB");
    }
}
