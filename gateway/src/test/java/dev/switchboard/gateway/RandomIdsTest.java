package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Ids written digit by digit read as the JDK's base-36 text of the same numbers. */
class RandomIdsTest {

    private static String base36(long n) {
        byte[] text = new byte[13];
        int end = RandomIds.appendBase36(text, 0, n);
        return new String(text, 0, end, StandardCharsets.ISO_8859_1);
    }

    @Test
    void numbersAreWrittenAsLongToStringWritesThemInBase36() {
        long[] edges = {0, 1, 9, 10, 35, 36, 37, 36 * 36 - 1, 36 * 36, 4_738_381_338_321_616_895L,
            4_738_381_338_321_616_896L, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        for (long n : edges) {
            assertThat(base36(n)).as("%d", n).isEqualTo(Long.toString(n, 36));
        }
        SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < 100_000; i++) {
            long n = random.nextLong() >>> random.nextInt(1, 64);
            assertThat(base36(n)).as("%d", n).isEqualTo(Long.toString(n, 36));
        }
    }

    @Test
    void idsAreThePrefixAndEachNumberInBase36() {
        String request = RandomIds.of("req_", 1);
        assertThat(request).matches("req_[0-9a-z]{1,13}");
        assertThat(Long.parseLong(request.substring(4), 36)).isNotNegative();
        assertThat(RandomIds.of("chatcmpl-", 2)).matches("chatcmpl-[0-9a-z]{2,26}");
        assertThat(RandomIds.of("req_", 1)).isNotEqualTo(request);
    }
}
