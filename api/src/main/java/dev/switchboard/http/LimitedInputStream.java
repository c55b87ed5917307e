package dev.switchboard.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A response body that counts what passes through it and fails with a {@link ResponseLimitExceededException} once it
 * holds more bytes in all, or more bytes without a line end (LF or CR), than allowed. Checking lines here, on the
 * bytes, rather than in one line reader protects every way a provider reads its stream (SSE, NDJSON, a reader of its
 * own, a wrapping stream) the same. On the first breach it calls {@code abort}, which drops the connection, so what
 * is left of the body is never drained. Not thread-safe.
 */
final class LimitedInputStream extends FilterInputStream {

    private final long maxTotal;
    private final String totalWhat;
    private final String totalKey;
    private final long maxLine;
    private final Runnable abort;
    private long total;
    /** Bytes since the last line end. */
    private long lineRun;

    /**
     * @param maxTotal  the most bytes the body may hold
     * @param totalWhat what the total limit measures, for the message (e.g. "the response body")
     * @param totalKey  the total limit's key under {@code limits}
     * @param maxLine   the most bytes between two line ends; 0 for no line limit
     * @param abort     drops the connection; called once, before the exception is thrown
     */
    LimitedInputStream(InputStream in, long maxTotal, String totalWhat, String totalKey, long maxLine, Runnable abort) {
        super(in);
        this.maxTotal = maxTotal;
        this.totalWhat = totalWhat;
        this.totalKey = totalKey;
        this.maxLine = maxLine;
        this.abort = abort;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            total++;
            lineRun = b == '\n' || b == '\r' ? 0 : lineRun + 1;
            check();
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            total += n;
            if (maxLine > 0) {
                lineRun = runAfterLastLineEnd(buf, off, n);
            }
            check();
        }
        return n;
    }

    /** The line run after reading {@code n} bytes: counted from the last line end among them, if any. */
    private long runAfterLastLineEnd(byte[] buf, int off, int n) {
        for (int i = off + n - 1; i >= off; i--) { // from the end: line ends are usually near it
            if (buf[i] == '\n' || buf[i] == '\r') {
                return off + n - 1 - i;
            }
        }
        return lineRun + n;
    }

    @Override
    public long skip(long n) throws IOException {
        // read through, so skipped bytes count too
        byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        int read = scratch.length == 0 ? 0 : read(scratch, 0, scratch.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false; // a reset would count bytes twice
    }

    private void check() throws ResponseLimitExceededException {
        if (total > maxTotal) {
            throw exceeded(new ResponseLimitExceededException(totalWhat, totalKey, maxTotal));
        }
        if (maxLine > 0 && lineRun > maxLine) {
            throw exceeded(new ResponseLimitExceededException("a line of the streamed body", "max-line-bytes", maxLine));
        }
    }

    private ResponseLimitExceededException exceeded(ResponseLimitExceededException e) {
        abort.run();
        return e;
    }
}
