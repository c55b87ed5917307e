package dev.switchboard.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * An incremental reader of newline-delimited JSON: one value a line, LF or CRLF, blank lines skipped. A last line
 * cut off by the end of the stream is reported through {@link #lineComplete()} so the caller can treat it as an
 * interrupted stream rather than parse half an object. Not thread-safe.
 */
public final class NdjsonReader {

    private final LineReader lines;

    public NdjsonReader(InputStream in) {
        this.lines = new LineReader(in);
    }

    /** Advances to the next non-blank line; false at the end of the stream. */
    public boolean next() throws IOException {
        while (lines.nextLine()) {
            if (!isBlank()) {
                return true;
            }
        }
        return false;
    }

    private boolean isBlank() {
        byte[] b = lines.buffer();
        for (int i = lines.lineStart(), end = i + lines.lineLength(); i < end; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    /** False when this line was ended by the end of the stream rather than a newline. */
    public boolean lineComplete() {
        return lines.lastLineTerminated();
    }

    public byte[] buffer() {
        return lines.buffer();
    }

    public int offset() {
        return lines.lineStart();
    }

    public int length() {
        return lines.lineLength();
    }

    public String line() {
        return new String(lines.buffer(), lines.lineStart(), lines.lineLength(), StandardCharsets.UTF_8);
    }
}
