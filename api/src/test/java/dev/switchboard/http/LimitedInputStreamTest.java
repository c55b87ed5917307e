package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LimitedInputStreamTest {

    private final AtomicInteger aborts = new AtomicInteger();

    private InputStream limited(String body, long maxTotal, long maxLine) {
        return new LimitedInputStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)), maxTotal,
                "the body", "max-stream-bytes", maxLine, aborts::incrementAndGet);
    }

    @Test
    void readsABodyAtExactlyItsLimits() throws IOException {
        InputStream in = limited("abcd\nefgh\r\nijkl", 16, 4);

        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("abcd\nefgh\r\nijkl");
        assertThat(aborts).hasValue(0);
    }

    @Test
    void failsOneBytePastTheTotalAndAbortsOnce() {
        InputStream in = limited("x".repeat(17), 16, 0);

        ResponseLimitExceededException e = catchThrowableOfType(ResponseLimitExceededException.class, in::readAllBytes);

        assertThat(e).hasMessage("the body exceeds max-stream-bytes (16 bytes)");
        assertThat(aborts).hasValue(1);
    }

    @Test
    void countsALineAcrossReadsAndByteAtATime() {
        InputStream in = limited("ab\ncdef", 100, 3);

        ResponseLimitExceededException e = catchThrowableOfType(ResponseLimitExceededException.class, () -> {
            while (in.read() >= 0) {
                // one byte at a time, the way some parsers read
            }
        });

        assertThat(e).hasMessageContaining("max-line-bytes (3 bytes)");
        assertThat(aborts).hasValue(1);
    }

    @Test
    void aCarriageReturnEndsALineToo() throws IOException {
        InputStream in = limited("abc\rdef\rghi", 100, 3);

        assertThat(in.readAllBytes()).hasSize(11);
    }
}
