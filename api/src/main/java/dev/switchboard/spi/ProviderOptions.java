package dev.switchboard.spi;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The provider-specific keys of a provider block ({@code switchboard.providers.<name>}), defaults from the type's
 * {@code reference.conf} included, read through Switchboard's own accessors so that a plugin never depends on the
 * host's configuration library.
 *
 * <p>A {@code key} is one key of the block, e.g. {@code num-ctx} (not a path: dots are part of the name). Every
 * accessor returns empty when the key is not set (or set to {@code null}). A value of the wrong type is an
 * {@link IllegalArgumentException} whose message names the full key ({@code switchboard.providers.<name>.<key>});
 * when the settings come from config files the runtime reports it with the file and line where the value is written,
 * like any other config error. Implementations are immutable and thread-safe.
 */
public interface ProviderOptions {

    /** The keys set in the block, in no particular order. */
    Set<String> keys();

    /** Whether {@code key} is set to a value other than {@code null}. */
    boolean has(String key);

    /** A string, number or boolean, as text. */
    Optional<String> string(String key);

    /** A whole number that fits an {@code int}, written as a number or as text. */
    Optional<Integer> integer(String key);

    /** {@code true} or {@code false} (also {@code yes}, {@code no}, {@code on}, {@code off}). */
    Optional<Boolean> bool(String key);

    /** A duration written with a unit ({@code 30s}, {@code 500ms}, {@code 2m}); a bare number is milliseconds. */
    Optional<Duration> duration(String key);

    /** A list of strings (numbers and booleans are read as text). */
    Optional<List<String>> stringList(String key);

    /** A block of string values ({@code deployments { gpt-4o = my-deployment }}), keys as written. */
    Optional<Map<String, String>> stringMap(String key);

    /** A string that is not blank, as a {@link Secret} (list such keys in {@link ProviderFactory#sensitiveKeys()}). */
    Optional<Secret> secret(String key);
}
