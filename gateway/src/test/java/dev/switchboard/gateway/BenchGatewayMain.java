package dev.switchboard.gateway;

import dev.switchboard.runtime.Switchboard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Runs a gateway for the load benchmark in {@code bench/gateway/}: {@code BenchGatewayMain <config.conf>} starts a
 * Switchboard from the file and a gateway on it, prints {@code READY <port>}, and serves until the process is told
 * to stop (the shutdown hook closes the gateway gracefully, as the CLI's does).
 */
public final class BenchGatewayMain {

    private BenchGatewayMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !Files.isRegularFile(Path.of(args[0]))) {
            System.err.println("usage: BenchGatewayMain <switchboard.conf>");
            System.exit(2);
        }
        Switchboard sb = Switchboard.builder().config(Path.of(args[0])).env(Map.of()).build();
        Gateway gateway = Gateway.start(sb);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.shutdown(Duration.ofSeconds(2));
            sb.close();
        }, "bench-shutdown"));
        System.out.println("READY " + gateway.port());
        System.out.flush();
        gateway.awaitTermination();
    }
}
