package dev.switchboard.runtime;

import dev.switchboard.api.LlmProvider;

/**
 * Wraps the provider a route calls for one of its targets, so that every try the route makes on it (each attempt of
 * its attempt trail: first calls, retries, the targets of a fallback) goes through the wrapper, on the caller's
 * thread and inside whatever context the caller's call set up. For observing calls from outside the runtime without
 * the runtime knowing the observer: the OpenTelemetry module opens a span per attempt this way.
 *
 * <p>A {@link Switchboard.Builder#targetDecorator decorator} is applied once per route and target when the
 * {@code Switchboard} is built. The wrapper must pass calls, results and exceptions on unchanged (the route decides
 * on the exception's {@link dev.switchboard.api.LlmException#kind() kind}), keep {@link LlmProvider#name()},
 * {@link LlmProvider#type()} and {@link LlmProvider#capabilities()} of the provider it wraps, and not close it: the
 * {@code Switchboard} closes the providers it created.
 */
@FunctionalInterface
public interface TargetDecorator {

    /** Leaves every target as it is. */
    TargetDecorator NONE = (route, provider) -> provider;

    /**
     * The provider route {@code route} calls in place of {@code provider}.
     *
     * @param route    the route's name ({@code switchboard.routes.<name>}, or the provider's name for the one-target
     *                 route of {@link Switchboard#providerRoute})
     * @param provider the configured provider, metered
     */
    LlmProvider decorate(String route, LlmProvider provider);
}
