/** Switchboard provider type {@code openai-compatible}: any server speaking the OpenAI Chat Completions API. */
module dev.switchboard.provider.openaicompatible {
    requires dev.switchboard.api;

    provides dev.switchboard.spi.ProviderFactory with dev.switchboard.provider.openaicompatible.OpenAiCompatibleProviderFactory;
}
