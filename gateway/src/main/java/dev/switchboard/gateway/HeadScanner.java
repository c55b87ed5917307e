package dev.switchboard.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Checks a request head as its bytes arrive, before the HTTP parser buffers it: the request line's length, the header
 * section's size and line count, and the framing headers a body depends on ({@code content-length} must be one
 * non-negative whole number, given once, and never beside {@code transfer-encoding}). It keeps a few counters and
 * the first bytes of the current line, never the head itself, so a hostile head costs nothing to refuse.
 *
 * <p>One scanner per connection, fed on the I/O thread that reads it; {@link #reset} before each head.
 */
final class HeadScanner {

    /** Why a head is refused: the status and the sentence for the client. */
    record Refusal(int status, String code, String message) {}

    /** Enough of a header line to read a content-length (name, colon, spaces and 19 digits) or a framing name. */
    private static final int PREFIX = 64;
    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding".getBytes(StandardCharsets.US_ASCII);

    private final ClientLimits limits;
    private final byte[] prefix = new byte[PREFIX];
    private int lineLength;
    private boolean requestLine;
    private int headerBytes;
    private int headerCount;
    private boolean contentLength;
    private boolean transferEncoding;
    private int bytesSeen;

    HeadScanner(ClientLimits limits) {
        this.limits = limits;
        reset();
    }

    /** Starts a new head. */
    void reset() {
        lineLength = 0;
        requestLine = true;
        headerBytes = 0;
        headerCount = 0;
        contentLength = false;
        transferEncoding = false;
        bytesSeen = 0;
    }

    /** Bytes of the current head seen so far. */
    int bytesSeen() {
        return bytesSeen;
    }

    /**
     * Scans {@code buffer} from {@code from} to its position.
     *
     * @return the index just past the end of the head when it ends in this range, {@code -1} when it goes on
     * @throws Refused when the head breaks a limit or its framing is invalid
     */
    int scan(ByteBuffer buffer, int from) throws Refused {
        int to = buffer.position();
        for (int i = from; i < to; i++) {
            byte b = buffer.get(i);
            bytesSeen++;
            if (b == '\n') {
                if (lineEnded()) {
                    return i + 1;
                }
                continue;
            }
            if (b == '\r') {
                continue; // the CR of a CRLF (a stray one is the parser's to refuse)
            }
            if (lineLength < PREFIX) {
                prefix[lineLength] = b;
            }
            lineLength++;
            if (requestLine) {
                if (lineLength > limits.maxRequestLine()) {
                    throw new Refused(414, "request_line_too_long", "The request line is longer than this gateway"
                            + " accepts (" + limits.maxRequestLine() + " bytes; switchboard.gateway.max-request-line).");
                }
            } else if (++headerBytes > limits.maxHeaderBytes()) {
                throw new Refused(431, "headers_too_large", "The request headers are larger than this gateway accepts ("
                        + limits.maxHeaderBytes() + " bytes; switchboard.gateway.max-header-bytes).");
            }
        }
        return -1;
    }

    /** A line ended: whether it was the empty line that ends the head. */
    private boolean lineEnded() throws Refused {
        int length = lineLength;
        lineLength = 0;
        if (requestLine) {
            requestLine = length == 0; // empty lines before the request line are tolerated (RFC 9112, 2.2)
            return false;
        }
        if (length == 0) {
            return true;
        }
        if (++headerCount > limits.maxHeaderCount()) {
            throw new Refused(431, "too_many_headers", "The request has more header lines than this gateway accepts ("
                    + limits.maxHeaderCount() + "; switchboard.gateway.max-header-count).");
        }
        framing(length);
        return false;
    }

    private void framing(int length) throws Refused {
        if (named(CONTENT_LENGTH, length)) {
            if (contentLength) {
                throw invalid("The request has more than one content-length header; send exactly one.");
            }
            contentLength = true;
            if (length > PREFIX || !wholeNumber(CONTENT_LENGTH.length + 1, length)) {
                throw invalid("The request's content-length is not a whole number of bytes; send the body's length"
                        + " in bytes, e.g. content-length: 42.");
            }
        } else if (named(TRANSFER_ENCODING, length)) {
            transferEncoding = true;
        }
        if (contentLength && transferEncoding) {
            throw invalid("The request has both content-length and transfer-encoding; send one of them.");
        }
    }

    /** Whether the current line's header name is {@code name} (case-insensitive, followed by a colon). */
    private boolean named(byte[] name, int length) {
        if (Math.min(length, PREFIX) <= name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            int c = prefix[i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != name[i]) {
                return false;
            }
        }
        return prefix[name.length] == ':';
    }

    /** Whether {@code prefix[from, to)} is 1 to 18 digits between optional spaces and tabs. */
    private boolean wholeNumber(int from, int to) {
        int i = from;
        while (i < to && (prefix[i] == ' ' || prefix[i] == '\t')) {
            i++;
        }
        int end = to;
        while (end > i && (prefix[end - 1] == ' ' || prefix[end - 1] == '\t')) {
            end--;
        }
        if (end == i || end - i > 18) {
            return false;
        }
        for (int k = i; k < end; k++) {
            if (prefix[k] < '0' || prefix[k] > '9') {
                return false;
            }
        }
        return true;
    }

    private static Refused invalid(String message) {
        return new Refused(400, "invalid_framing", message);
    }

    /** A head refused with a status; cheap to throw (no stack trace: it is an answer, not a bug). */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Refusal refusal;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.refusal = new Refusal(status, code, message);
        }
    }
}
