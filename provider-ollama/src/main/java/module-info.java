/** Switchboard provider type {@code ollama}. */
module dev.switchboard.provider.ollama {
    requires dev.switchboard.api;

    provides dev.switchboard.spi.ProviderFactory with dev.switchboard.provider.ollama.OllamaProviderFactory;
}
