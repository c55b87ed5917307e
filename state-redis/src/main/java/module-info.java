/**
 * The {@code redis} state backend: Switchboard's budgets, rate limits, cooldowns and usage totals in one Redis server
 * that any number of instances share, each operation one Lua script.
 */
module dev.switchboard.state.redis {
    requires dev.switchboard.runtime;
    requires lettuce.core;
    requires static org.jspecify;

    exports dev.switchboard.state.redis;

    provides dev.switchboard.runtime.state.StateBackend with dev.switchboard.state.redis.RedisStateBackend;
}
