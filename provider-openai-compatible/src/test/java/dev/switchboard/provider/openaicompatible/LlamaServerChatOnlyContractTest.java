package dev.switchboard.provider.openaicompatible;

import dev.switchboard.api.LlmProvider;
import java.util.List;
import java.util.Map;

/**
 * The contract again for a llama.cpp {@code llama-server} declared in config as {@code capabilities = [chat,
 * streaming]} (no tools template, no embeddings, no model list wanted): the suite's refusal checks run here, where
 * {@link VllmContractTest} skips them.
 */
class LlamaServerChatOnlyContractTest extends VllmContractTest {

    @Override
    protected LlmProvider createProvider(Target target) {
        return new OpenAiCompatibleProviderFactory().create(target.settings("openai-compatible")
                .baseUrl(target.baseUrl() + "/v1").model("local-model")
                .options(Map.of("capabilities", List.of("chat", "streaming"))).build(), target.context());
    }
}
