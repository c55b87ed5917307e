/** Switchboard provider type {@code huggingface}: Hugging Face Inference Providers (router) and feature extraction. */
module dev.switchboard.provider.huggingface {
    requires dev.switchboard.api;

    provides dev.switchboard.spi.ProviderFactory with dev.switchboard.provider.huggingface.HuggingFaceProviderFactory;
}
