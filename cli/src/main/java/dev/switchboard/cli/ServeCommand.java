package dev.switchboard.cli;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.GatewayConfig;
import dev.switchboard.runtime.Switchboard;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code switchboard serve}: the OpenAI-compatible gateway over the configured routes and providers, until the
 * process is told to stop (SIGTERM, Ctrl-C), when it stops accepting, lets requests in flight finish for up to
 * {@code switchboard.gateway.shutdown-grace}, and exits.
 */
@Command(name = "serve",
        description = {"Start the OpenAI-compatible gateway: any OpenAI client can use the routes by pointing its base "
                + "URL at it (http://HOST:PORT/v1). A request's model names a route, a provider, or provider/model.",
                "Settings come from switchboard.gateway { host, port, keys, max-body, shutdown-grace }; the options "
                        + "below override host and port. Stops gracefully on SIGTERM or Ctrl-C."})
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    private SwitchboardCommand root;

    @Mixin
    private HelpOption help;

    @Option(names = "--host", paramLabel = "H", description = "The address to listen on (default from config: 127.0.0.1).")
    private String host;

    @Option(names = "--port", paramLabel = "N", description = "The port to listen on (default from config: 8088; 0 picks a free one).")
    private Integer port;

    @Override
    public Integer call() throws InterruptedException {
        ServeSetup setup = ServeSetup.open(root);
        Switchboard sb = setup.switchboard();
        Gateway gateway;
        try {
            GatewayConfig config = setup.gateway();
            if (host != null) {
                config = config.withHost(host);
            }
            if (port != null) {
                config = config.withPort(port);
            }
            gateway = Gateway.start(sb, config);
        } catch (RuntimeException e) {
            sb.close();
            if (e instanceof IllegalStateException) {
                root.warn(e.getMessage()); // the address cannot be bound: a failure, not a usage error
                return ExitCodes.FAILURE;
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Written here, not logged: java.util.logging resets itself in its own shutdown hook, which may run first.
            java.time.Duration grace = gateway.config().shutdownGrace();
            root.err().println(Errors.PREFIX + "gateway stopping: " + gateway.requestsInFlight()
                    + " requests in flight; waiting up to " + grace.toMillis() + " ms for them");
            root.err().flush();
            gateway.close();
            int abandoned = gateway.requestsAbandoned();
            if (abandoned > 0) {
                root.err().println(Errors.PREFIX + abandoned + " requests still in flight after " + grace.toMillis()
                        + " ms were ended with an error");
            }
            root.err().println(Errors.PREFIX + "gateway stopped");
            root.err().flush();
            sb.close();
            stopped.countDown();
        }, "switchboard-shutdown"));
        root.err().println(Errors.PREFIX + "gateway listening on " + gateway.baseUrl() + " (routes: "
                + String.join(", ", sb.routeNames()) + "; default route: " + sb.defaultRouteName() + "); dashboard "
                + gateway.baseUrl().resolve("/ui") + "; state: " + stateLine(sb));
        root.err().flush();
        gateway.awaitTermination();
        stopped.await();
        return ExitCodes.OK;
    }

    /**
     * Where budgets, limits and usage live, so that an operator sees which data dir a restart will find them in, or
     * which Redis server and key prefix the instances share, and where the usage log is written; server addresses
     * without their user, password or parameters.
     */
    static String stateLine(Switchboard sb) {
        String backend = sb.state().backend();
        com.typesafe.config.Config c = sb.config();
        String key = "switchboard.state.data-dir";
        String state;
        if (backend.startsWith("embedded") && c.hasPath(key)) { // a one-off command's is "embedded (snapshot)"
            state = "embedded in " + java.nio.file.Path.of(c.getString(key)).toAbsolutePath().normalize();
        } else if (backend.equals("redis") && c.hasPath("switchboard.state.redis.uri")) {
            state = "redis at " + hostAndPort(c.getString("switchboard.state.redis.uri"))
                    + (c.hasPath("switchboard.state.redis.key-prefix")
                    ? " (key-prefix " + c.getString("switchboard.state.redis.key-prefix") + ")" : "");
        } else {
            state = backend.equals("memory") ? "memory (not kept across restarts)" : backend;
        }
        String jdbc = c.hasPath("switchboard.usage-log.jdbc-url") ? c.getString("switchboard.usage-log.jdbc-url") : "";
        if (!jdbc.isBlank()) {
            return state + "; usage log: " + hostAndPort(jdbc.replaceFirst("^jdbc:", ""));
        }
        return state;
    }

    /** {@code scheme://host:port/path} of a URL, without its user, password or parameters. */
    static String hostAndPort(String url) {
        try {
            java.net.URI u = java.net.URI.create(url);
            if (u.getHost() == null) {
                return u.getScheme() == null ? "(unnamed server)" : u.getScheme();
            }
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
                    + (u.getPath() == null ? "" : u.getPath());
        } catch (IllegalArgumentException e) {
            return "(a URL that does not parse)"; // never echoed: it may hold a password
        }
    }
}
