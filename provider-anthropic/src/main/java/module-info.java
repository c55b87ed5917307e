/** Switchboard provider type {@code anthropic}: Anthropic's Messages API. */
module dev.switchboard.provider.anthropic {
    requires dev.switchboard.api;

    provides dev.switchboard.spi.ProviderFactory with dev.switchboard.provider.anthropic.AnthropicProviderFactory;
}
