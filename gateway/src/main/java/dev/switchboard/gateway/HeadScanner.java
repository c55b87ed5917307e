package dev.switchboard.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Checks a request head as its bytes arrive, before the HTTP parser buffers it: the request line's length, the header
 * section's size and line count, and the framing headers a body depends on ({@code content-length} must be one
 * non-negative whole number, given once, and never beside {@code transfer-encoding}). It keeps a few counters and
 * the first bytes of the current line, never the head itself, so a hostile head costs nothing to refuse.
 *
 * <p>It follows the connection's bytes as the parser will read them, heads and bodies alike, so that every head is
 * scanned from its first byte even when a client pipelines (one read holding a head, its body and the next head, or
 * part of it): after a head, the body its {@code content-length} declares is counted down, across reads if need be,
 * and the next head starts right after it, in the same read or a later one. A chunked body's end is not counted (that
 * would mean reading the chunk framing): after a {@code transfer-encoding} head the scanner stops following the
 * connection, and the heads that come after it on that connection are left to the parser's own limits (set a step
 * above these in {@link GatewayServer}). Either way, no byte of a body is ever taken for a head.
 *
 * <p>One scanner per connection, fed on the I/O thread that reads it, every byte in order.
 */
final class HeadScanner {

    /** Why a head is refused: the status and the sentence for the client. */
    record Refusal(int status, String code, String message) {}

    /** Enough of a header line to read a content-length (name, colon, spaces and 19 digits) or a framing name. */
    private static final int PREFIX = 64;
    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding".getBytes(StandardCharsets.US_ASCII);

    /** Where the connection's next byte belongs. */
    private enum Place {
        /** A head (or the empty lines tolerated before one). */
        HEAD,
        /** The body of the last head, of a declared length: {@code bodyLeft} bytes to come. */
        BODY,
        /** A chunked body, and whatever follows it: no longer followed. */
        UNFOLLOWED
    }

    private final ClientLimits limits;
    private final byte[] prefix = new byte[PREFIX];
    private Place place = Place.HEAD;
    private long bodyLeft;
    /** The current head's declared content-length, or -1. */
    private long declaredLength;
    /** Where the current head began in the range last scanned (its start when it began in an earlier read). */
    private int headBegan;
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
        place = Place.HEAD;
        declaredLength = -1;
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

    /** Whether the bytes still to come belong to a body of a declared length (the last head's). */
    boolean inBody() {
        return place == Place.BODY;
    }

    /** Whether the scanner still follows the connection (it stops after a chunked body's head). */
    boolean following() {
        return place != Place.UNFOLLOWED;
    }

    /**
     * Where the head being scanned began in the range last scanned: the index of its first byte when it began there,
     * else the range's start. A refused head is cut from there, and what came before it (earlier requests) kept.
     */
    int headBegan() {
        return headBegan;
    }

    /**
     * Scans {@code buffer} from {@code from} to its position: the rest of a body, then a head. Call again from the
     * returned index for the bytes after a head (its body, the next head).
     *
     * @return the index just past the end of a head when one ends in this range, {@code -1} when the range ends first
     * @throws Refused when the head breaks a limit or its framing is invalid
     */
    int scan(ByteBuffer buffer, int from) throws Refused {
        int to = buffer.position();
        int i = from;
        headBegan = from;
        if (place == Place.BODY) {
            long skipped = Math.min(bodyLeft, to - i);
            i += (int) skipped;
            bodyLeft -= skipped;
            if (bodyLeft > 0) {
                return -1;
            }
            reset();
            headBegan = i;
        }
        if (place == Place.UNFOLLOWED) {
            return -1;
        }
        for (; i < to; i++) {
            byte b = buffer.get(i);
            bytesSeen++;
            if (b == '\n') {
                if (lineEnded()) {
                    headEnded();
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

    /**
     * A head ended: what follows it is its body, as the parser will frame it (a request without framing headers has
     * none), and then the next head.
     */
    private void headEnded() {
        if (transferEncoding) {
            place = Place.UNFOLLOWED;
        } else if (declaredLength > 0) {
            place = Place.BODY;
            bodyLeft = declaredLength;
        } else {
            reset();
        }
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
            declaredLength = length > PREFIX ? -1 : wholeNumber(CONTENT_LENGTH.length + 1, length);
            if (declaredLength < 0) {
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

    /** The value of {@code prefix[from, to)} when it is 1 to 18 digits between optional spaces and tabs, else -1. */
    private long wholeNumber(int from, int to) {
        int i = from;
        while (i < to && (prefix[i] == ' ' || prefix[i] == '\t')) {
            i++;
        }
        int end = to;
        while (end > i && (prefix[end - 1] == ' ' || prefix[end - 1] == '\t')) {
            end--;
        }
        if (end == i || end - i > 18) {
            return -1;
        }
        long value = 0;
        for (int k = i; k < end; k++) {
            if (prefix[k] < '0' || prefix[k] > '9') {
                return -1;
            }
            value = value * 10 + (prefix[k] - '0');
        }
        return value;
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
