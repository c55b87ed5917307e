package dev.switchboard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.impl.bootstrap.HttpServer;
import org.apache.hc.core5.http.impl.bootstrap.ServerBootstrap;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;

/**
 * A loopback server that answers {@code POST /v1/chat/completions} like OpenAI: a fixed completion (the API
 * reference's example), or, for {@code "stream":true}, a fixed SSE stream of {@code chunks} text chunks, a finish
 * chunk, a usage chunk and {@code [DONE]}. Both the bare client and Switchboard call the same server.
 */
public final class LocalOpenAiServer implements AutoCloseable {

    private final HttpServer server;
    private final byte[] completion;
    private final byte[] stream;

    public LocalOpenAiServer(int chunks) {
        this.completion = resource("chat-completion.json");
        this.stream = sseBody(chunks);
        this.server = ServerBootstrap.bootstrap()
                .setLocalAddress(InetAddress.getLoopbackAddress())
                .setListenerPort(0)
                .setCanonicalHostName("127.0.0.1") // requests say Host: 127.0.0.1:port; a mismatch is answered 421
                .setSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(30, TimeUnit.SECONDS).build())
                .register("/v1/chat/completions", this::handle)
                .create();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(ClassicHttpRequest request, ClassicHttpResponse response, HttpContext context) throws IOException {
        byte[] body = EntityUtils.toByteArray(request.getEntity());
        boolean streaming = indexOf(body, "\"stream\":true".getBytes(StandardCharsets.US_ASCII)) >= 0;
        response.setCode(200);
        if (streaming) {
            response.setEntity(new ByteArrayEntity(stream, ContentType.create("text/event-stream")));
        } else {
            response.setEntity(new ByteArrayEntity(completion, ContentType.APPLICATION_JSON));
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
    }

    public byte[] completionBody() {
        return completion.clone();
    }

    public byte[] streamBody() {
        return stream.clone();
    }

    /** An OpenAI-shaped SSE body: role chunk, {@code chunks} text chunks, finish chunk, usage chunk, [DONE]. */
    public static byte[] sseBody(int chunks) {
        String head = "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
                + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[";
        StringBuilder sb = new StringBuilder();
        sb.append("data: ").append(head)
                .append("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        for (int i = 0; i < chunks; i++) {
            sb.append("data: ").append(head)
                    .append("{\"index\":0,\"delta\":{\"content\":\" token").append(i)
                    .append("\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        }
        sb.append("data: ").append(head)
                .append("{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n");
        sb.append("data: ").append(head).append("],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":")
                .append(chunks).append(",\"total_tokens\":").append(9 + chunks).append("}}\n\n");
        sb.append("data: [DONE]\n\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] resource(String name) {
        try (InputStream in = LocalOpenAiServer.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        server.close(CloseMode.IMMEDIATE);
    }
}
