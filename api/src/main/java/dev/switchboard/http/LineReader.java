package dev.switchboard.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines ending in LF, CRLF or CR, without decoding them, reusing one buffer. A line split
 * across reads is joined. Not thread-safe.
 */
final class LineReader {

    private final InputStream in;
    private byte[] buf = new byte[8192];
    private int start;
    private int end;
    private boolean eof;
    private boolean skipLf;
    /** How many bytes from {@code start} are already known to hold no line end, so a long line is scanned once. */
    private int scanned;
    private int lineStart;
    private int lineLength;
    private boolean lastLineTerminated = true;

    LineReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads the next line into {@link #buffer()} at {@link #lineStart()} for {@link #lineLength()} bytes.
     *
     * @return false at the end of the stream
     */
    boolean nextLine() throws IOException {
        while (true) {
            if (skipLf && start < end) {
                if (buf[start] == '\n') {
                    start++;
                }
                skipLf = false;
            }
            for (int i = start + scanned; i < end; i++) {
                byte b = buf[i];
                if (b == '\n' || b == '\r') {
                    lineStart = start;
                    lineLength = i - start;
                    start = i + 1;
                    scanned = 0;
                    skipLf = b == '\r';
                    lastLineTerminated = true;
                    return true;
                }
            }
            scanned = end - start;
            if (eof) {
                scanned = 0;
                if (start < end) {
                    lineStart = start;
                    lineLength = end - start;
                    start = end;
                    lastLineTerminated = false;
                    return true;
                }
                return false;
            }
            fill();
        }
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }

    byte[] buffer() {
        return buf;
    }

    int lineStart() {
        return lineStart;
    }

    int lineLength() {
        return lineLength;
    }

    /** False when the stream ended in the middle of the last line returned: it may be cut short. */
    boolean lastLineTerminated() {
        return lastLineTerminated;
    }
}
