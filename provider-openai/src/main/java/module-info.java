/** Switchboard provider type {@code openai}. */
module dev.switchboard.provider.openai {
    requires dev.switchboard.api;

    provides dev.switchboard.spi.ProviderFactory with dev.switchboard.provider.openai.OpenAiProviderFactory;
}
