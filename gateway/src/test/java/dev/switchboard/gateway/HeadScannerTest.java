package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The head checks on their own, fed the way the I/O thread feeds them: in reads of any size. */
class HeadScannerTest {

    private static final ClientLimits LIMITS = new ClientLimits(64, 256, 3, Duration.ofSeconds(1), 1, Duration.ofSeconds(1), 1);

    /** Feeds {@code text} in reads of {@code chunk} bytes; the end index within the last read, or -1. */
    private static int feed(HeadScanner scanner, String text, int chunk) throws HeadScanner.Refused {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        int end = -1;
        for (int off = 0; off < bytes.length && end < 0; off += chunk) {
            ByteBuffer read = ByteBuffer.allocate(chunk);
            read.put(bytes, off, Math.min(chunk, bytes.length - off));
            end = scanner.scan(read, 0);
        }
        return end;
    }

    private static HeadScanner.Refusal refusal(String text) {
        HeadScanner.Refused r = catchThrowableOfType(HeadScanner.Refused.class, () -> feed(new HeadScanner(LIMITS), text, 7));
        assertThat(r).as("refused: %s", text).isNotNull();
        return r.refusal;
    }

    @Test
    void findsTheEndOfAHeadSplitAcrossReadsAndStopsThere() throws Exception {
        HeadScanner s = new HeadScanner(LIMITS);
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: g\r\ncontent-length: 2\r\n\r\n";

        int end = feed(s, head + "{}", head.length() + 2);

        assertThat(end).isEqualTo(head.length());
    }

    @Test
    void acceptsHeadsAtExactlyEachLimit() throws Exception {
        String line = "GET /" + "a".repeat(64 - "GET / HTTP/1.1".length()) + " HTTP/1.1";
        assertThat(line).hasSize(64);

        assertThat(feed(new HeadScanner(LIMITS), line + "\r\na: 1\r\nb: 2\r\nc: 3\r\n\r\n", 5)).isGreaterThan(0);
    }

    @Test
    void refusesEachLimitWithItsStatusAndKey() {
        assertThat(refusal("GET /" + "a".repeat(70) + " HTTP/1.1\r\n\r\n").status()).isEqualTo(414);
        assertThat(refusal("GET / HTTP/1.1\r\nx: " + "b".repeat(300) + "\r\n\r\n"))
                .satisfies(r -> assertThat(r.status()).isEqualTo(431))
                .satisfies(r -> assertThat(r.message()).contains("switchboard.gateway.max-header-bytes"));
        assertThat(refusal("GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\n\r\n"))
                .satisfies(r -> assertThat(r.status()).isEqualTo(431))
                .satisfies(r -> assertThat(r.message()).contains("switchboard.gateway.max-header-count"));
    }

    @Test
    void refusesBadContentLengthsAndAcceptsAGoodOneInAnyCase() throws Exception {
        for (String bad : new String[] {"-1", "12abc", "", "1 2", "1234567890123456789", "0x10"}) {
            assertThat(refusal("POST / HTTP/1.1\r\ncontent-length: " + bad + "\r\n\r\n").status()).as(bad).isEqualTo(400);
        }
        assertThat(refusal("POST / HTTP/1.1\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\n").message())
                .contains("more than one");
        assertThat(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nCONTENT-LENGTH: 1\r\n\r\n").message())
                .contains("transfer-encoding");

        assertThat(feed(new HeadScanner(LIMITS), "POST / HTTP/1.1\r\nCONTENT-LENGTH:\t 42 \r\n\r\n", 3)).isGreaterThan(0);
    }

    @Test
    void toleratesEmptyLinesBeforeTheRequestLineAndStartsAgainAfterReset() throws Exception {
        HeadScanner s = new HeadScanner(LIMITS);
        assertThat(feed(s, "\r\n\r\nGET / HTTP/1.1\r\na: 1\r\n\r\n", 4)).isGreaterThan(0);

        s.reset();

        assertThat(s.bytesSeen()).isZero();
        assertThat(feed(s, "GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\n\r\n", 64)).isGreaterThan(0);
    }

    private static ByteBuffer read(String text) {
        ByteBuffer read = ByteBuffer.allocate(text.length());
        read.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return read;
    }

    @Test
    void scansOnFromEachHeadPastItsBodyToTheNextHeadInTheSameRead() throws Exception {
        HeadScanner s = new HeadScanner(LIMITS);
        // a body longer than max-request-line (64) with no newline, then one that looks like a head's end
        String first = "POST / HTTP/1.1\r\ncontent-length: 100\r\n\r\n" + "x".repeat(100);
        String second = "POST / HTTP/1.1\r\nContent-Length: 8\r\n\r\n" + "a: b\r\n\r\n";
        String third = "GET / HTTP/1.1\r\n\r\n";
        ByteBuffer read = read(first + second + third);

        int end1 = s.scan(read, 0);
        int end2 = s.scan(read, end1);
        int end3 = s.scan(read, end2);

        assertThat(end1).isEqualTo(first.length() - 100);
        assertThat(end2).isEqualTo(first.length() + second.length() - 8);
        assertThat(end3).isEqualTo(read.position());
        assertThat(s.scan(read, end3)).isEqualTo(-1);
        assertThat(s.bytesSeen()).isZero();
    }

    @Test
    void countsABodyDownAcrossReadsAndScansTheHeadAfterItFromItsFirstByte() throws Exception {
        HeadScanner s = new HeadScanner(LIMITS);
        String head = "POST / HTTP/1.1\r\ncontent-length: 30\r\n\r\n";
        assertThat(s.scan(read(head), 0)).isEqualTo(head.length());

        for (int i = 0; i < 5; i++) {
            assertThat(s.scan(read("y".repeat(5)), 0)).isEqualTo(-1);
            assertThat(s.inBody()).isTrue();
        }
        ByteBuffer last = read("yyyyy" + "GET /" + "a".repeat(70) + " HTTP/1.1\r\n\r\n");
        HeadScanner.Refused r = catchThrowableOfType(HeadScanner.Refused.class, () -> s.scan(last, 0));

        assertThat(r).isNotNull();
        assertThat(r.refusal.status()).isEqualTo(414);
        assertThat(s.headBegan()).isEqualTo(5); // the refused head is cut from there, the body's end kept
    }

    @Test
    void aSecondHeadOverALimitInTheSameReadIsRefusedWhereItBegins() throws Exception {
        HeadScanner s = new HeadScanner(LIMITS);
        String first = "POST / HTTP/1.1\r\ncontent-length: 2\r\n\r\n{}";
        ByteBuffer read = read(first + "GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\n\r\n");
        int end = s.scan(read, 0);

        HeadScanner.Refused r = catchThrowableOfType(HeadScanner.Refused.class, () -> s.scan(read, end));

        assertThat(r.refusal.status()).isEqualTo(431);
        assertThat(s.headBegan()).isEqualTo(first.length());
    }

    @Test
    void stopsFollowingAfterAChunkedHeadAndNeverRefusesWhatComesAfter() throws Exception {
        HeadScanner s = new HeadScanner(LIMITS);
        String head = "POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n";
        ByteBuffer read = read(head + "5\r\nhello\r\n0\r\n\r\nGET /" + "a".repeat(70) + " HTTP/1.1\r\n\r\n");

        assertThat(s.scan(read, 0)).isEqualTo(head.length());
        assertThat(s.scan(read, head.length())).isEqualTo(-1);
        assertThat(s.following()).isFalse();
        assertThat(s.scan(read("x".repeat(500) + "\r\n".repeat(10)), 0)).isEqualTo(-1);
    }
}
