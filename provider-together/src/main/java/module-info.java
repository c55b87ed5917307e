/** Switchboard provider type {@code together}. */
module dev.switchboard.provider.together {
    requires dev.switchboard.api;

    provides dev.switchboard.spi.ProviderFactory with dev.switchboard.provider.together.TogetherProviderFactory;
}
