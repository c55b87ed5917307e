package dev.switchboard.gateway;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server that keeps connections alive and counts them, for what a mock server does not tell: how
 * many connections a client opened, and what it does when the server closes one it holds idle. Each request is
 * answered 200 with its method and path as the body; {@code /chunked} is answered in three chunks.
 */
final class KeepAliveUpstream implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    KeepAliveUpstream() throws IOException {
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "keep-alive-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted since the start. */
    int connections() {
        return accepted.get();
    }

    int requests() {
        return requests.get();
    }

    /** Closes every connection accepted so far (the server side of an idle keep-alive connection going away). */
    void closeConnections() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "keep-alive-upstream-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (;;) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                int length = 0;
                for (String h; !(h = line(in)).isEmpty(); ) {
                    if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(h.substring(15).trim());
                    }
                }
                byte[] body = in.readNBytes(length);
                requests.incrementAndGet();
                String[] parts = requestLine.split(" ");
                String text = parts[0] + " " + parts[1] + (body.length > 0 ? " " + new String(body, StandardCharsets.UTF_8) : "");
                if (parts[1].equals("/chunked")) {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "5\r\nfirst\r\n6\r\n,secon\r\n7\r\nd,third\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                } else {
                    byte[] b = text.getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + b.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(b);
                }
                out.flush();
            }
        } catch (IOException e) {
            // the client or the test closed the connection
        }
    }

    /** One CRLF-terminated line; null at the end of the stream before any byte of it. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                if (b.size() == 0) {
                    return null;
                }
                throw new IOException("cut line");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        closeConnections();
    }
}
