package dev.switchboard.gateway;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.hc.core5.http.nio.AsyncClientEndpoint;
import org.apache.hc.core5.http.nio.AsyncClientExchangeHandler;
import org.apache.hc.core5.http.nio.AsyncPushConsumer;
import org.apache.hc.core5.http.nio.HandlerFactory;
import org.apache.hc.core5.http.nio.command.RequestExecutionCommand;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.reactor.Command;

/**
 * A leased {@link UpstreamConnection} as HttpCore's requester hands out its pooled connections
 * ({@link UpstreamExchanges#lease}): its user runs exchanges on it and then releases it, once, to be reused (back to
 * its owner thread's idle list) or discarded (closed).
 */
final class LentEndpoint extends AsyncClientEndpoint {

    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(LentEndpoint.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final UpstreamConnection connection;
    @SuppressWarnings("unused") // through RELEASED
    private volatile boolean released;

    LentEndpoint(UpstreamConnection connection) {
        this.connection = connection;
    }

    @Override
    public void execute(AsyncClientExchangeHandler handler, HandlerFactory<AsyncPushConsumer> pushHandlerFactory,
                        HttpContext context) {
        if (released) {
            throw new IllegalStateException("Endpoint has already been released");
        }
        // a connection closed before the command ran cancels it (the handler hears it failed, not executed)
        connection.session.enqueue(new RequestExecutionCommand(handler, pushHandlerFactory, context),
                Command.Priority.NORMAL);
    }

    @Override
    public void releaseAndReuse() {
        if (RELEASED.compareAndSet(this, false, true)) {
            connection.released();
        }
    }

    @Override
    public void releaseAndDiscard() {
        if (RELEASED.compareAndSet(this, false, true)) {
            connection.discard();
        }
    }

    @Override
    public boolean isConnected() {
        return !released && connection.session.isOpen();
    }

    @Override
    public String toString() {
        return connection.toString();
    }
}
