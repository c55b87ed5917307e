package dev.switchboard.bench;

import java.nio.charset.StandardCharsets;

/**
 * Bytes the gateway allocates per response-cache hit, exactly: {@link GatewayAllocationPerRequest}'s measurement with
 * a cache on the default route and a request that may use it ({@code temperature} 0: the cache keeps no sampled
 * answers), so the first request is a miss and every other one a hit of a non-streamed answer. Run with the shaded
 * jar:
 *
 * <pre>java -cp bench/target/switchboard-bench.jar dev.switchboard.bench.GatewayCacheHitAllocation</pre>
 */
public final class GatewayCacheHitAllocation {

    private static final byte[] REQUEST = ("{\"model\":\"default\",\"stream\":false,\"temperature\":0,\"messages\":"
            + "[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},{\"role\":\"user\",\"content\":"
            + "\"Hello!\"}]}").getBytes(StandardCharsets.UTF_8);

    private GatewayCacheHitAllocation() {}

    public static void main(String[] args) throws Exception {
        GatewayAllocationPerRequest.measure("switchboard.routes.default.cache { ttl = 10m }\n", REQUEST,
                " on a cache hit", "hit");
    }
}
