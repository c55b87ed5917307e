/**
 * Tests for provider plugins, ours and third-party alike. A provider's test extends
 * {@link dev.switchboard.testkit.ProviderContractTest}, the contract every provider must keep, and
 * {@link dev.switchboard.testkit.ErrorMappingTest}, which replays the provider's documented error responses; the
 * fixture builders write SSE and NDJSON streams for the loopback servers those tests run.
 *
 * <p>Nothing in this package is null unless marked {@code @Nullable}: an absent value is an {@code Optional} (or an
 * empty list or string where the wire itself says "empty"), and {@code @Nullable} appears only where a record
 * component or a builder argument may be null.
 */
@NullMarked
package dev.switchboard.testkit;

import org.jspecify.annotations.NullMarked;
