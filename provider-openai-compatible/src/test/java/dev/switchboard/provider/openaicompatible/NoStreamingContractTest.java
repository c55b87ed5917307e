package dev.switchboard.provider.openaicompatible;

import dev.switchboard.api.LlmProvider;
import java.util.List;
import java.util.Map;

/**
 * The contract for a server declared in config as {@code capabilities = [chat]}, e.g. one whose streaming is broken
 * behind a proxy: its streams are refused before any request, where {@link VllmContractTest} streams.
 */
class NoStreamingContractTest extends VllmContractTest {

    @Override
    protected LlmProvider createProvider(Target target) {
        return new OpenAiCompatibleProviderFactory().create(target.settings("openai-compatible")
                .baseUrl(target.baseUrl() + "/v1").model("local-model")
                .options(Map.of("capabilities", List.of("chat"))).build(), target.context());
    }
}
