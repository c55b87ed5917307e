package dev.switchboard.state.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} (the Debian package) on a free loopback port, with no persistence, for one test class;
 * it can be stopped and started again on the same port (an outage). Tests are skipped, saying so, only when the binary
 * is not installed ({@code apt-get install redis-server}; {@code .ci/run} installs it).
 */
final class RedisServer implements AutoCloseable {

    private final Path binary;
    private final Path dir;
    final int port;
    private final List<String> extraArguments;
    private Process process;

    private RedisServer(Path binary, Path dir, int port, List<String> extraArguments) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.extraArguments = extraArguments;
    }

    /** A free port, for a server not started yet (one that is away when a store opens). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static RedisServer start(Path dir, String... extraArguments) throws IOException, InterruptedException {
        return start(dir, freePort(), extraArguments);
    }

    /** Starts one on {@code port}, with {@code extraArguments} (e.g. {@code --requirepass secret}). */
    static RedisServer start(Path dir, int port, String... extraArguments) throws IOException, InterruptedException {
        Path binary = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server").stream()
                .map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(binary != null, "redis-server is not installed (apt-get install redis-server):"
                + " the Redis backend's tests are skipped");
        RedisServer server = new RedisServer(binary, dir, port, List.of(extraArguments));
        server.start();
        return server;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    void start() throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        command.addAll(extraArguments);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not start on port " + port + ": "
                        + Files.readString(dir.resolve("redis-" + port + ".log")));
            }
            Thread.sleep(20);
        }
    }

    /** Stops the server (SIGTERM, then waits): the state is gone, as after a crash without persistence. */
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    /** SIGSTOP: the server keeps its connections open and answers nothing (a hung server, or a partition). */
    void hang() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT: the hung server answers again, the commands it received meanwhile included. */
    void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    private boolean answersPing() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = new byte[7];
            int n = in.read(reply);
            String answer = n > 0 ? new String(reply, 0, n, StandardCharsets.US_ASCII) : "";
            return answer.startsWith("+PONG") || answer.startsWith("-NOAUTH"); // a server with a password answers too
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
