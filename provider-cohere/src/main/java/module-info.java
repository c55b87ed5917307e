/** Switchboard provider type {@code cohere}. */
module dev.switchboard.provider.cohere {
    requires dev.switchboard.api;

    provides dev.switchboard.spi.ProviderFactory with dev.switchboard.provider.cohere.CohereProviderFactory;
}
