/** Switchboard provider type {@code azure-openai}. */
module dev.switchboard.provider.azure {
    requires dev.switchboard.api;

    exports dev.switchboard.provider.azure;

    provides dev.switchboard.spi.ProviderFactory with dev.switchboard.provider.azure.AzureOpenAiProviderFactory;
}
