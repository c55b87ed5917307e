package dev.switchboard.provider.groq;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.Capability;
import dev.switchboard.api.Usage;
import dev.switchboard.openai.BasicOpenAiAdapter;
import dev.switchboard.openai.OpenAiWire;
import dev.switchboard.spi.ProviderSettings;
import java.util.EnumSet;
import java.util.Set;

/** Groq's OpenAI-compatible API: no embeddings; stream usage and errors may come inside {@code x_groq}. */
final class GroqAdapter extends BasicOpenAiAdapter {

    static final String DEFAULT_BASE_URL = "https://api.groq.com/openai/v1";

    /** Groq's chat request defines no {@code stream_options}; a stream's usage comes in {@code x_groq.usage} anyway. */
    private static final OpenAiWire.RequestOptions OPTIONS = new OpenAiWire.RequestOptions("max_completion_tokens", false);

    GroqAdapter(ProviderSettings settings) {
        super(settings, DEFAULT_BASE_URL);
    }

    @Override
    public OpenAiWire.RequestOptions requestOptions() {
        return OPTIONS;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.complementOf(EnumSet.of(Capability.EMBEDDINGS));
    }

    /** The standard {@code usage}, else the last stream chunk's {@code x_groq.usage}. */
    @Override
    public Usage usage(JsonNode responseOrChunk) {
        Usage usage = OpenAiWire.usage(responseOrChunk.get("usage"));
        return usage.equals(Usage.NONE) ? OpenAiWire.usage(responseOrChunk.path("x_groq").get("usage")) : usage;
    }

    @Override
    public JsonNode streamError(JsonNode chunk) {
        JsonNode error = super.streamError(chunk);
        if (error != null) {
            return error;
        }
        JsonNode groqError = chunk.path("x_groq").get("error");
        return groqError != null && !groqError.isNull() ? groqError : null;
    }
}
