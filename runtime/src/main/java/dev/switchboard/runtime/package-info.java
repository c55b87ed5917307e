/**
 * The runtime an application starts: {@link dev.switchboard.runtime.Switchboard} loads the HOCON config, discovers
 * the provider plugins (on the class path, the module path and in plugin folders, each with its own class
 * loader), creates the configured providers and routes, and gives them out as
 * {@link dev.switchboard.api.LlmProvider}s. Routes add fallback, retries with backoff, cooldowns, rate limits,
 * budgets and usage and cost metering on top of the providers.
 *
 * <p>Nothing in this package is null unless marked {@code @Nullable}: an absent value is an {@code Optional} (or an
 * empty list or string where the wire itself says "empty"), and {@code @Nullable} appears only where a record
 * component or a builder argument may be null.
 */
@NullMarked
package dev.switchboard.runtime;

import org.jspecify.annotations.NullMarked;
