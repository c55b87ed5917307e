package dev.switchboard.state.redis;

import dev.switchboard.runtime.state.StateBackend;
import dev.switchboard.runtime.state.StateSettings;
import dev.switchboard.runtime.state.StateStore;

/**
 * {@code switchboard.state.backend = redis}: the state in the Redis server {@code switchboard.state.redis.uri} names,
 * under keys starting with {@code switchboard.state.redis.key-prefix}, shared by every instance configured alike.
 */
public final class RedisStateBackend implements StateBackend {

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public StateStore open(StateSettings settings) {
        String uri = settings.redisUri().orElseThrow(() -> new IllegalArgumentException(
                "switchboard.state.redis.uri is not set; name the server, e.g. redis://127.0.0.1:6379"));
        return RedisStateStore.open(uri, settings.redisKeyPrefix(), settings.clock());
    }
}
