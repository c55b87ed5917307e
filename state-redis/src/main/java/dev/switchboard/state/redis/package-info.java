/**
 * {@code switchboard.state.backend = redis}: {@link dev.switchboard.state.redis.RedisStateBackend} opens a
 * {@link dev.switchboard.state.redis.RedisStateStore}, whose every operation is one Lua script on the server, so that
 * many processes enforce one limit, one budget and one cooldown.
 */
@NullMarked
package dev.switchboard.state.redis;

import org.jspecify.annotations.NullMarked;
