package dev.switchboard.runtime;

/** How {@link Switchboard#renderConfig(ConfigFormat)} writes the configuration. */
public enum ConfigFormat {
    /** HOCON, as users write {@code switchboard.conf}. */
    HOCON,
    /** JSON, for tools. */
    JSON
}
