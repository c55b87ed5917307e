/**
 * The base for providers with an OpenAI-style HTTP API. {@link dev.switchboard.openai.OpenAiCompatibleProvider}
 * implements chat, streaming, embeddings and model listing over the OpenAI wire format, and asks its
 * {@link dev.switchboard.openai.OpenAiCompatible} adapter for what differs from service to service (capabilities,
 * finish reasons, where usage is reported, URL shape, headers, error details); most adapters subclass
 * {@link dev.switchboard.openai.BasicOpenAiAdapter} and override only those.
 *
 * <p>Nothing in this package is null unless marked {@code @Nullable}: an absent value is an {@code Optional} (or an
 * empty list or string where the wire itself says "empty"), and {@code @Nullable} appears only where a record
 * component or a builder argument may be null.
 */
@NullMarked
package dev.switchboard.openai;

import org.jspecify.annotations.NullMarked;
