/**
 * An OpenAI-compatible HTTP server over a {@link dev.switchboard.runtime.Switchboard}'s routes and providers, so any
 * OpenAI client in any language can use them. {@link dev.switchboard.gateway.Gateway#start} embeds it in an
 * application; the {@code switchboard serve} command runs it. It serves chat completions (streamed and not),
 * Anthropic's Messages API ({@code POST /v1/messages}), embeddings, the model list, health, readiness, usage and Prometheus metrics, with access keys and bounded client
 * limits.
 *
 * <p>Nothing in this package is null unless marked {@code @Nullable}: an absent value is an {@code Optional} (or an
 * empty list or string where the wire itself says "empty"), and {@code @Nullable} appears only where a record
 * component or a builder argument may be null.
 */
@NullMarked
package dev.switchboard.gateway;

import org.jspecify.annotations.NullMarked;
