/**
 * The HTTP toolkit providers build on: {@link dev.switchboard.http.HttpProviderClient} sends a provider's requests
 * through the host's shared {@link dev.switchboard.http.HttpTransport} with its timeouts and response limits, the
 * incremental {@link dev.switchboard.http.SseReader} and {@link dev.switchboard.http.NdjsonReader} read streams,
 * {@link dev.switchboard.http.StandardErrorMapper} turns error responses into classified failures with retry hints,
 * and {@link dev.switchboard.http.Redactor} keeps secrets out of every message. A provider that speaks HTTP needs
 * little more than its wire mapping on top of this package.
 *
 * <p>Nothing in this package is null unless marked {@code @Nullable}: an absent value is an {@code Optional} (or an
 * empty list or string where the wire itself says "empty"), and {@code @Nullable} appears only where a record
 * component or a builder argument may be null.
 */
@NullMarked
package dev.switchboard.http;

import org.jspecify.annotations.NullMarked;
