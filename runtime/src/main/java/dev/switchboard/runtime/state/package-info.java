/**
 * Where the state that outlives one call lives: budget windows, rate-limit buckets, provider holds, route cooldowns
 * and the ledger's totals. {@link dev.switchboard.runtime.state.StateStore} is the interface: each operation is
 * atomic on its own (a budget reservation, a bucket take), so a store shared by many processes can do each in one
 * step (one Lua script in Redis). {@link dev.switchboard.runtime.state.MemoryStateStore} keeps it in this process
 * ({@code switchboard.state.backend = memory}); other backends are found through
 * {@link dev.switchboard.runtime.state.StateBackend} with {@link java.util.ServiceLoader}.
 *
 * <p>Nothing in this package is null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.switchboard.runtime.state;

import org.jspecify.annotations.NullMarked;
