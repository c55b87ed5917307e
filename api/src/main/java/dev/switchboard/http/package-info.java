/**
 * The HTTP toolkit providers share: the pooled client, error mapping, SSE and NDJSON readers, retry hints.
 *
 * <p>Nothing in this package is null unless marked {@code @Nullable}: an absent value is an {@code Optional} (or an
 * empty list or string where the wire itself says "empty"), and {@code @Nullable} appears only where a record
 * component or a builder argument may be null.
 */
@NullMarked
package dev.switchboard.http;

import org.jspecify.annotations.NullMarked;
