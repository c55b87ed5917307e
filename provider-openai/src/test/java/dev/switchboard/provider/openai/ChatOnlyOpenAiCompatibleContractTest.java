package dev.switchboard.provider.openai;

import dev.switchboard.api.Capability;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.openai.OpenAiCompatible;
import dev.switchboard.openai.OpenAiCompatibleProvider;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Secret;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The contract again, for an OpenAI-compatible server that only chats (no tools, embeddings or model list, as a small
 * local server): the suite's refusal checks run here, where {@link OpenAiContractTest} skips them.
 */
class ChatOnlyOpenAiCompatibleContractTest extends OpenAiContractTest {

    @Override
    protected LlmProvider createProvider(Target target) {
        ProviderSettings settings = target.settings("openai").baseUrl(target.baseUrl() + "/v1").model("local-model").build();
        return new OpenAiCompatibleProvider<>(new ChatOnly(settings), settings, target.context());
    }

    private record ChatOnly(ProviderSettings settings) implements OpenAiCompatible {
        @Override
        public String baseUrl() {
            return settings.baseUrl().orElseThrow();
        }

        @Override
        public Optional<Secret> apiKey() {
            return settings.apiKey();
        }

        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.CHAT, Capability.STREAMING);
        }
    }
}
