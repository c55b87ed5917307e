package com.example.switchboard.compat;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.api.LlmProvider;

/**
 * The contract again for a service configured as chat-only ({@code capabilities = [chat, streaming]}): the suite then
 * checks that tools, embeddings and model listing are refused before any request.
 */
class ChatOnlyContractTest extends OpenAiCompatibleContractTest {

    @Override
    protected LlmProvider createProvider(Target target) {
        return new OpenAiCompatibleProviderFactory().create(target.settings("openai-style")
                .baseUrl(target.baseUrl() + "/v1").model(MODEL)
                .config(ConfigFactory.parseString("capabilities = [chat, streaming]")).build(), target.context());
    }
}
