package dev.switchboard.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental reader of Server-Sent Events (the WHATWG event-stream format): LF, CRLF or CR line ends;
 * {@code data:} lines joined with LF; {@code event:} names; comments and keep-alives ({@code :...}) skipped; an
 * event dispatched on a blank line; a leading byte order mark ignored. At the end of the stream a pending event whose
 * last line was complete is still dispatched (some servers omit the final blank line); an event whose last line was
 * cut off by the end is dropped whole, since half an event is not the event the server sent.
 *
 * <p>The data bytes are kept in a reused buffer: {@link #dataBuffer()} and {@link #dataLength()} let a JSON parser
 * read them without a String. Not thread-safe.
 */
public final class SseReader {

    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final LineReader lines;
    private byte[] data = new byte[4096];
    private int dataLength;
    private boolean hasData;
    private String event;
    private String pendingEvent;
    private String lastEventId;
    private boolean firstLine = true;

    public SseReader(InputStream in) {
        this.lines = new LineReader(in);
    }

    /**
     * Advances to the next event that has data.
     *
     * @return false when the stream has ended
     */
    public boolean next() throws IOException {
        dataLength = 0;
        hasData = false;
        pendingEvent = null;
        while (lines.nextLine()) {
            byte[] b = lines.buffer();
            int s = lines.lineStart();
            int n = lines.lineLength();
            if (firstLine) {
                firstLine = false;
                if (n >= BOM.length && Arrays.equals(b, s, s + BOM.length, BOM, 0, BOM.length)) {
                    s += BOM.length;
                    n -= BOM.length;
                }
            }
            if (n == 0) {
                if (hasData) {
                    event = pendingEvent;
                    return true;
                }
                pendingEvent = null;
                continue;
            }
            if (!lines.lastLineTerminated()) {
                return false; // cut off by the end of the stream: drop the event it belongs to
            }
            if (b[s] == ':') {
                continue;
            }
            int colon = indexOf(b, s, n, (byte) ':');
            int nameLen = colon < 0 ? n : colon - s;
            int valueStart = colon < 0 ? s + n : colon + 1;
            if (valueStart < s + n && b[valueStart] == ' ') {
                valueStart++;
            }
            int valueLen = s + n - valueStart;
            if (nameEquals(b, s, nameLen, DATA)) {
                appendData(b, valueStart, valueLen);
            } else if (nameEquals(b, s, nameLen, EVENT)) {
                pendingEvent = new String(b, valueStart, valueLen, StandardCharsets.UTF_8);
            } else if (nameEquals(b, s, nameLen, ID)) {
                lastEventId = new String(b, valueStart, valueLen, StandardCharsets.UTF_8);
            }
            // "retry" and unknown fields are ignored, as the format says.
        }
        if (hasData) {
            event = pendingEvent;
            return true;
        }
        return false;
    }

    private void appendData(byte[] b, int from, int len) {
        int needed = dataLength + (hasData ? 1 : 0) + len;
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.max(needed, data.length * 2));
        }
        if (hasData) {
            data[dataLength++] = '\n';
        }
        System.arraycopy(b, from, data, dataLength, len);
        dataLength += len;
        hasData = true;
    }

    /** The event's name, or null for the default ("message"). */
    public String event() {
        return event;
    }

    /** The last {@code id:} seen, or null. */
    public String lastEventId() {
        return lastEventId;
    }

    /** The event's data as text. */
    public String data() {
        return new String(data, 0, dataLength, StandardCharsets.UTF_8);
    }

    /** The buffer holding the event's data from index 0; valid until the next call of {@link #next()}. */
    public byte[] dataBuffer() {
        return data;
    }

    public int dataLength() {
        return dataLength;
    }

    /** Whether the data is exactly {@code text} (ASCII), e.g. {@code [DONE]}, without decoding it. */
    public boolean dataEquals(byte[] ascii) {
        return dataLength == ascii.length && Arrays.equals(data, 0, dataLength, ascii, 0, ascii.length);
    }

    private static int indexOf(byte[] b, int from, int len, byte x) {
        for (int i = from; i < from + len; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static boolean nameEquals(byte[] b, int from, int len, byte[] name) {
        return len == name.length && Arrays.equals(b, from, from + len, name, 0, name.length);
    }
}
