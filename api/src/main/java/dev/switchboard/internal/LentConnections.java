package dev.switchboard.internal;

import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.AsyncClientEndpoint;
import org.apache.hc.core5.reactor.IOEventHandlerFactory;
import org.apache.hc.core5.util.Timeout;

/**
 * Connections a server lends to an {@link dev.switchboard.http.HttpTransport}'s calls without waiting, in place of the
 * transport's own non-blocking client: connections on the server's own I/O threads, so that a call started on one of
 * them is written, answered and read there, with no hand-off to another reactor's thread and back (the gateway lends
 * its reactor this way). For Switchboard's own modules: the api's qualified export names who may implement it.
 */
public interface LentConnections {

    /**
     * Called once, when the transport takes the loan: the handler every session opened for the transport must get
     * (HttpCore's HTTP/1.1 client handler with the transport's own settings: its buffer size and head limits, its
     * connection reuse decision, what its calls hear of a request going out, TLS for https targets). The session's
     * connect attachment must be an {@code EndpointParameters} of its target, as HttpCore's requester passes.
     */
    void bind(IOEventHandlerFactory clientHandlers);

    /**
     * Leases a keep-alive connection to {@code target} (one of the calling I/O thread's own when it has one idle),
     * or connects a new one within {@code connectTimeout}, and hands it to {@code leased}: the contract of HttpCore's
     * {@code HttpAsyncRequester.connect(target, connectTimeout, null, leased)}. The endpoint's user releases it, to be
     * reused or discarded. Never blocks.
     */
    void lease(HttpHost target, Timeout connectTimeout, FutureCallback<AsyncClientEndpoint> leased);

    /** Connections leased now. */
    int leasedConnections();
}
