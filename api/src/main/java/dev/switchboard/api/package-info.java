/**
 * The user API: what an application calls to talk to any provider. An {@link dev.switchboard.api.LlmProvider}
 * answers a {@link dev.switchboard.api.ChatRequest} with a {@link dev.switchboard.api.ChatResponse} or streams it as
 * a {@link dev.switchboard.api.ChatStream} of {@link dev.switchboard.api.ChatEvent}s, and embeds text through an
 * {@link dev.switchboard.api.EmbeddingRequest}; failures are {@link dev.switchboard.api.LlmException}s classified by
 * {@link dev.switchboard.api.ErrorKind}. The same types serve a single provider and a route over several, and name
 * no third-party type, so an application depends on nothing but this package.
 *
 * <p>Nothing in this package is null unless marked {@code @Nullable}: an absent value is an {@code Optional} (or an
 * empty list or string where the wire itself says "empty"), and {@code @Nullable} appears only where a record
 * component or a builder argument may be null.
 */
@NullMarked
package dev.switchboard.api;

import org.jspecify.annotations.NullMarked;
