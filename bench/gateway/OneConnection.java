import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Latency percentiles at one connection, as each request saw them and as wrk reports them:
 * {@code java OneConnection.java URL BODY_FILE SECONDS [WARM_UP_SECONDS]}.
 *
 * <p>wrk corrects its latency histogram for coordinated omission before it prints it or hands it to a script's
 * {@code done}: every request that took at least twice the run's mean time per request per connection is counted
 * again at its latency less one mean, less two, and so on down to one mean. A client that waits for each answer
 * before it sends the next one (one connection) stops sending while the server stalls; the correction stands for
 * the requests a client sending at a steady rate would have sent meanwhile. One 2 ms stall in a run whose requests
 * take 110 µs each becomes about seventeen samples between 0.2 and 2 ms, so at one connection wrk's p99 is the
 * latency at which the stalls (a collector's pause, a virtual CPU taken away) add up to 1 % of the run's time,
 * however few requests met them. This client records each request's own latency and prints both: {@code raw}, the
 * requests as they were, and {@code corrected}, the same samples corrected as wrk corrects them; then
 * {@code stalls}, the share of the run's time spent in requests slower than 0.5, 1 and 2 ms (and how many there were).
 *
 * <p>One keep-alive connection, TCP_NODELAY, blocking reads; the request is sent again as soon as the whole answer
 * (a {@code Content-Length} body) is read, and the loop allocates nothing, so the client's own collector does not
 * stop it. An answer that is not a 2xx ends the run with an error. Latencies are in microseconds, from writing the request to reading the answer's last byte.
 */
public final class OneConnection {

    /** The longest latency the histogram holds, in microseconds; longer ones count as this. */
    private static final int MAX_MICROS = 1_000_000;
    private static final double[] PERCENTILES = {50, 90, 95, 97, 98, 98.5, 99, 99.5, 99.9, 99.99};
    /** The latencies, in microseconds, above which the {@code stalls} line gives the share of the run's time. */
    private static final int[] STALL_THRESHOLDS = {500, 1000, 2000};
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    private final SocketChannel channel;
    private final ByteBuffer request;
    private final ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);

    private OneConnection(SocketChannel channel, ByteBuffer request) {
        this.channel = channel;
        this.request = request;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: java OneConnection.java URL BODY_FILE SECONDS [WARM_UP_SECONDS]");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        long seconds = Long.parseLong(args[2]);
        long warmUp = args.length == 4 ? Long.parseLong(args[3]) : 2;
        String head = "POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        ByteBuffer request = ByteBuffer.allocateDirect(head.length() + body.length);
        request.put(head.getBytes(StandardCharsets.US_ASCII)).put(body).flip();
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress(url.getHost(), url.getPort()))) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            OneConnection client = new OneConnection(channel, request);
            client.run(warmUp * 1_000_000_000L, new long[MAX_MICROS + 1]);
            long[] counts = new long[MAX_MICROS + 1];
            long started = System.nanoTime();
            long requests = client.run(seconds * 1_000_000_000L, counts);
            long elapsedMicros = (System.nanoTime() - started) / 1000;
            long[] corrected = counts.clone();
            correct(corrected, elapsedMicros / Math.max(1, requests));
            System.out.println("raw       " + percentiles(counts) + " n=" + requests);
            System.out.println("corrected " + percentiles(corrected) + " n=" + total(corrected));
            System.out.println("stalls    " + stallShares(counts, elapsedMicros));
        }
    }

    /** Sends the request and reads its answer, again and again for {@code nanos}; returns how many were answered. */
    private long run(long nanos, long[] counts) throws IOException {
        long end = System.nanoTime() + nanos;
        long n = 0;
        long now;
        do {
            long sent = System.nanoTime();
            request.rewind();
            while (request.hasRemaining()) {
                channel.write(request);
            }
            readAnswer();
            now = System.nanoTime();
            counts[(int) Math.min(MAX_MICROS, (now - sent) / 1000)]++;
            n++;
        } while (now < end);
        return n;
    }

    /** Reads one answer: its head up to the blank line, then as many body bytes as its Content-Length says. */
    private void readAnswer() throws IOException {
        in.clear();
        int headEnd = -1;
        while (headEnd < 0) {
            fill();
            headEnd = headEnd();
        }
        if (in.get(9) != '2') { // "HTTP/1.1 200": a benchmark of errors means nothing
            byte[] status = new byte[3];
            in.get(9, status);
            throw new IOException("an answer with status " + new String(status, StandardCharsets.US_ASCII));
        }
        long length = contentLength(headEnd);
        long remaining = headEnd + length - in.position();
        while (remaining > 0) {
            in.clear();
            remaining -= fill();
        }
    }

    private int fill() throws IOException {
        if (!in.hasRemaining()) {
            throw new IOException("an answer head longer than " + in.capacity() + " bytes");
        }
        int read = channel.read(in);
        if (read < 0) {
            throw new IOException("the server closed the connection");
        }
        return read;
    }

    /** The index just past the head's blank line among the bytes read, or -1. */
    private int headEnd() {
        for (int i = 3; i < in.position(); i++) {
            if (in.get(i) == '\n' && in.get(i - 1) == '\r' && in.get(i - 2) == '\n' && in.get(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** The value of the head's Content-Length header (case-insensitive name); an answer without one is refused. */
    private long contentLength(int headEnd) throws IOException {
        for (int line = 0; line < headEnd; ) {
            int i = 0;
            while (i < CONTENT_LENGTH.length && line + i < headEnd
                    && Character.toLowerCase(in.get(line + i)) == CONTENT_LENGTH[i]) {
                i++;
            }
            int next = line;
            while (next < headEnd && in.get(next) != '\n') {
                next++;
            }
            if (i == CONTENT_LENGTH.length) {
                long value = 0;
                for (int j = line + i; j < next; j++) {
                    byte b = in.get(j);
                    if (b >= '0' && b <= '9') {
                        value = value * 10 + (b - '0');
                    }
                }
                return value;
            }
            line = next + 1;
        }
        throw new IOException("an answer without Content-Length (this client reads only those)");
    }

    /**
     * wrk's correction for coordinated omission (its {@code stats_correct}): each sample of at least twice
     * {@code expected} is counted again at its value less {@code expected}, less twice that, while above
     * {@code expected}.
     */
    static void correct(long[] counts, long expected) {
        if (expected <= 0) {
            return;
        }
        for (long n = expected * 2; n < counts.length; n++) {
            long count = counts[(int) n];
            for (long m = n - expected; count > 0 && m > expected; m -= expected) {
                counts[(int) m] += count;
            }
        }
    }

    /**
     * The share of the run's time spent in requests slower than each of {@link #STALL_THRESHOLDS}: what decides the
     * corrected percentiles, and, measured against nginx alone in the same minute, how much of it the machine's.
     */
    static String stallShares(long[] counts, long elapsedMicros) {
        StringBuilder out = new StringBuilder();
        for (int threshold : STALL_THRESHOLDS) {
            long micros = 0;
            long requests = 0;
            for (int v = threshold + 1; v < counts.length; v++) {
                micros += counts[v] * v;
                requests += counts[v];
            }
            out.append(String.format(java.util.Locale.ROOT, "over%dus=%.2f%% (%d) ", threshold,
                    100.0 * micros / Math.max(1, elapsedMicros), requests));
        }
        return out.append("of ").append(elapsedMicros / 1000).append(" ms").toString();
    }

    private static long total(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }

    private static String percentiles(long[] counts) {
        long total = total(counts);
        StringBuilder out = new StringBuilder();
        for (double p : PERCENTILES) {
            long rank = (long) Math.ceil(total * p / 100);
            long seen = 0;
            int value = 0;
            while (value < counts.length - 1 && seen + counts[value] < rank) {
                seen += counts[value++];
            }
            out.append('p').append(p == Math.floor(p) ? String.valueOf((long) p) : String.valueOf(p))
                    .append('=').append(value).append(' ');
        }
        int max = counts.length - 1;
        while (max > 0 && counts[max] == 0) {
            max--;
        }
        return out.append("max=").append(max).toString();
    }
}
