/** Switchboard provider type {@code groq}. */
module dev.switchboard.provider.groq {
    requires dev.switchboard.api;

    provides dev.switchboard.spi.ProviderFactory with dev.switchboard.provider.groq.GroqProviderFactory;
}
