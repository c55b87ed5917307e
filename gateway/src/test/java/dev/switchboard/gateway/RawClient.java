package dev.switchboard.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A client that speaks HTTP/1.1 by hand over a plain socket, for what no HTTP library will send: oversized and
 * numerous headers, trickled heads, lying framing. It writes on its own thread (a gateway that refuses a request
 * stops reading it, and the answer must still be read) and reads one answer: status line, headers, and the body by
 * its content-length or up to the end of the connection.
 */
final class RawClient implements AutoCloseable {

    /** One answer; {@code status} 0 when the connection ended without one. */
    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Writes {@code bytes} on a background thread; a connection the gateway closed only ends the writing. */
    Thread sendInBackground(byte[] bytes) {
        Thread t = new Thread(() -> {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                // refused and closed: the answer is what the test reads
            }
        }, "raw-client-writer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    void send(String text) throws IOException {
        out.write(ascii(text));
        out.flush();
    }

    /** Sends {@code request} (in the background) and reads the answer. */
    Answer exchange(String request) throws IOException {
        sendInBackground(ascii(request));
        return read();
    }

    /** Reads one answer (an interim 1xx one included, as its own answer). */
    Answer read() throws IOException {
        Answer head = readHead();
        return head.status() < 200 ? head : readBody(head);
    }

    /** Reads an answer's status line and headers only; {@link #readBody} reads the rest. */
    Answer readHead() throws IOException {
        String statusLine;
        try {
            statusLine = line();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within the socket timeout", e);
        }
        if (statusLine == null) {
            return new Answer(0, Map.of(), "");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
        }
        return new Answer(status, headers, "");
    }

    /** Reads the body of the answer whose head {@link #readHead} returned. */
    Answer readBody(Answer head) throws IOException {
        Map<String, String> headers = head.headers();
        int status = head.status();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String length = headers.get("content-length");
        if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length)));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line().strip(), 16); size > 0; size = Integer.parseInt(line().strip(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            line();
        } else {
            body.write(in.readAllBytes());
        }
        return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /** Everything the gateway sends until it closes the connection, as it came (chunk framing included). */
    String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Whether the gateway closed the connection: the next read sees its end (or a reset). */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int end = sb.length();
                return end > 0 && sb.charAt(end - 1) == '\r' ? sb.substring(0, end - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
