/** An example Switchboard provider plugin: type {@code openai-style}. */
module com.example.switchboard.compat {
    requires dev.switchboard.api;

    provides dev.switchboard.spi.ProviderFactory with com.example.switchboard.compat.OpenAiCompatibleProviderFactory;
}
