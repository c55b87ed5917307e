package dev.switchboard.provider.together;

import dev.switchboard.api.FinishReason;
import dev.switchboard.http.ErrorMapper;
import dev.switchboard.openai.BasicOpenAiAdapter;
import dev.switchboard.openai.OpenAiWire;
import dev.switchboard.spi.ProviderSettings;

/**
 * Together AI's OpenAI-compatible API. Differences: {@code max_tokens}; usage arrives on the last stream chunk
 * unasked (so no {@code stream_options}); {@code finish_reason: eos} is a normal stop. {@code GET /models} answers a
 * bare array whose {@code type} (chat, language, code, image, embedding, moderation, rerank) the shared model reader
 * keeps as the model's kind. {@code model_not_available} refusals are {@code MODEL_NOT_FOUND}.
 */
final class TogetherAdapter extends BasicOpenAiAdapter {

    static final String DEFAULT_BASE_URL = "https://api.together.xyz/v1";
    private static final OpenAiWire.RequestOptions OPTIONS = new OpenAiWire.RequestOptions("max_tokens", false);

    TogetherAdapter(ProviderSettings settings) {
        super(settings, DEFAULT_BASE_URL);
    }

    /** Everything but token-array embedding input: Together's embeddings API takes texts only (a string or an array of strings). */
    @Override
    public java.util.Set<dev.switchboard.api.Capability> capabilities() {
        return java.util.EnumSet.complementOf(java.util.EnumSet.of(dev.switchboard.api.Capability.EMBEDDING_TOKEN_INPUT));
    }

    @Override
    public OpenAiWire.RequestOptions requestOptions() {
        return OPTIONS;
    }

    @Override
    public FinishReason finishReason(String raw) {
        return "eos".equals(raw) ? FinishReason.STOP : OpenAiWire.finishReason(raw);
    }

    @Override
    public ErrorMapper errorMapper() {
        return TogetherErrorMapper.INSTANCE;
    }
}
