/** Switchboard provider type {@code gemini}. */
module dev.switchboard.provider.gemini {
    requires dev.switchboard.api;

    provides dev.switchboard.spi.ProviderFactory with dev.switchboard.provider.gemini.GeminiProviderFactory;
}
