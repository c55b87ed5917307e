/** Switchboard provider type {@code replicate}. */
module dev.switchboard.provider.replicate {
    requires dev.switchboard.api;

    provides dev.switchboard.spi.ProviderFactory with dev.switchboard.provider.replicate.ReplicateProviderFactory;
}
