package dev.switchboard.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.http.io.EofSensorWatcher;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.apache.hc.core5.net.URIAuthority;

/**
 * The protocol step of the transport's exec chain, in place of HttpClient's {@code ProtocolExec}, for requests that go
 * straight to their host with credentials in headers, as every Switchboard request does: no HTTP authentication
 * (whose bookkeeping, a decoded path prefix and an auth exchange map, cost about 1.5 KB a request) and no proxy. It
 * keeps the rest of {@code ProtocolExec}'s work: no direct CONNECT, the request's scheme and authority from its route,
 * no user info in the URI, and a streamed answer's connection handed back to the pool once its body is read to the
 * end or closed (the entity wrapper below does what HttpClient's package-private {@code ResponseEntityProxy} does),
 * or discarded when the exchange fails.
 */
final class DirectProtocolExec implements ExecChainHandler {

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        if (Method.CONNECT.isSame(request.getMethod())) {
            throw new ProtocolException("Direct execution of CONNECT is not allowed");
        }
        HttpRoute route = scope.route;
        if (route.getProxyHost() != null) {
            throw new ProtocolException("requests through a proxy are not supported by this transport");
        }
        HttpHost target = route.getTargetHost();
        ExecRuntime runtime = scope.execRuntime;
        try {
            if (request.getScheme() == null) {
                request.setScheme(target.getSchemeName());
            }
            if (request.getAuthority() == null) {
                request.setAuthority(new URIAuthority(target));
            }
            if (request.getAuthority().getUserInfo() != null) {
                throw new ProtocolException("Request URI authority contains deprecated userinfo component");
            }
            ClassicHttpResponse response = chain.proceed(request, scope);
            HttpEntity entity = response.getEntity();
            if (entity != null && entity.isStreaming()) {
                response.setEntity(new ReleasingEntity(entity, runtime));
            }
            return response;
        } catch (HttpException | IOException | RuntimeException e) {
            runtime.discardEndpoint();
            throw e;
        }
    }

    /**
     * A streamed response body that hands its connection back to the pool when read to its end or closed (closing
     * reads the rest, so the connection can be reused), and discards it when that fails or the stream is aborted.
     */
    private static final class ReleasingEntity extends HttpEntityWrapper implements EofSensorWatcher {
        private final ExecRuntime runtime;

        ReleasingEntity(HttpEntity entity, ExecRuntime runtime) {
            super(entity);
            this.runtime = runtime;
        }

        /** Reading what is left of a body before its connection goes back to the pool. */
        private interface Drain {
            void run() throws IOException;
        }

        /** Runs {@code drain} and hands the connection back; discards it when that fails; lets go of it either way. */
        private void releaseAfter(Drain drain) throws IOException {
            try {
                drain.run();
                runtime.releaseEndpoint();
            } catch (IOException | RuntimeException e) {
                runtime.discardEndpoint();
                throw e;
            } finally {
                cleanup();
            }
        }

        /** Whatever happened, the connection is no longer the exchange's: closed if still open, then let go. */
        private void cleanup() throws IOException {
            if (runtime.isEndpointConnected()) {
                runtime.disconnectEndpoint();
            }
            runtime.discardEndpoint();
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }

        @Override
        public InputStream getContent() throws IOException {
            return new EofSensorInputStream(super.getContent(), this);
        }

        @Override
        public void writeTo(java.io.OutputStream out) throws IOException {
            releaseAfter(() -> super.writeTo(out != null ? out : java.io.OutputStream.nullOutputStream()));
        }

        @Override
        public boolean eofDetected(InputStream wrapped) throws IOException {
            releaseAfter(() -> {
                if (wrapped != null) {
                    wrapped.close(); // reads what follows the body, e.g. a chunked body's trailers
                }
            });
            return false;
        }

        @Override
        public boolean streamClosed(InputStream wrapped) throws IOException {
            try {
                boolean open = runtime.isEndpointAcquired();
                try {
                    if (wrapped != null) {
                        wrapped.close(); // reads the rest of the body
                    }
                    runtime.releaseEndpoint();
                } catch (SocketException e) {
                    if (open) {
                        throw e;
                    }
                }
            } catch (IOException | RuntimeException e) {
                runtime.discardEndpoint();
                throw e;
            } finally {
                cleanup();
            }
            return false;
        }

        @Override
        public boolean streamAbort(InputStream wrapped) throws IOException {
            cleanup();
            return false;
        }

        @Override
        public void close() throws IOException {
            releaseAfter(super::close); // reads the rest of the body, so the connection can be reused
        }
    }
}
