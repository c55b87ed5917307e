package dev.switchboard.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 stub for what a mock server cannot script: part of an SSE answer and then a reset, a stall, or
 * silence until the client goes away. Each connection reads one request and runs the {@link Script}; the stub
 * records how each connection ended, so a test can prove the gateway closed an upstream connection.
 */
final class RawUpstream implements AutoCloseable {

    /** What to do with one request. */
    @FunctionalInterface
    interface Script {
        void run(Connection c) throws IOException, InterruptedException;
    }

    /** One accepted connection, its request read. */
    static final class Connection {
        final Socket socket;
        final String request;
        final OutputStream out;

        Connection(Socket socket, String request) throws IOException {
            this.socket = socket;
            this.request = request;
            this.out = socket.getOutputStream();
        }

        /** Response head of a chunked SSE answer. */
        void sseHead() throws IOException {
            write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        }

        /**
         * One SSE event as its own HTTP chunk, sent with a single write: the gateway can forward an event as soon as
         * its data is in, so a client reacting to it (leaving, say) can have the gateway reset this connection before
         * a separate write of the chunk's trailing CRLF, which would then fail and end the script early.
         */
        void event(String data) throws IOException {
            byte[] b = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream chunk = new ByteArrayOutputStream(b.length + 16);
            chunk.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunk.write(b);
            chunk.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(chunk.toByteArray());
            out.flush();
        }

        void write(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Closes with a TCP reset. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /** Waits until the peer closes the connection (read sees the end or an error); true if it did in time. */
        boolean awaitPeerClose(long millis) throws IOException {
            socket.setSoTimeout((int) millis);
            try {
                InputStream in = socket.getInputStream();
                while (in.read() >= 0) {
                    // discard
                }
                return true;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset by the peer
            }
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch firstRequest = new CountDownLatch(1);
    private volatile Script script;
    private volatile boolean closed;

    RawUpstream(Script script) throws IOException {
        this.script = script;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "raw-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
    }

    int requests() {
        return requests.get();
    }

    boolean awaitRequest(long millis) throws InterruptedException {
        return firstRequest.await(millis, TimeUnit.MILLISECONDS);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "raw-upstream-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            String request = readRequest(s.getInputStream());
            requests.incrementAndGet();
            firstRequest.countDown();
            script.run(new Connection(s, request));
        } catch (IOException | InterruptedException e) {
            // the test decides what a broken connection means
        }
    }

    /** Reads the head and a Content-Length body. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' || b == '\n') ? (matched + 1) : 0;
        }
        String h = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        byte[] body = in.readNBytes(length);
        return h + new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
