package dev.switchboard.spring.ai;

import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.LlmProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * A Switchboard route (or any {@link LlmProvider}) as Spring AI's {@link EmbeddingModel}: the first target that
 * embeds answers, with the route's retries and fallback. The request's model option, when set, is asked of every
 * target; else each target's configured embedding model.
 */
public final class SwitchboardSpringAiEmbeddingModel implements EmbeddingModel {

    private final LlmProvider provider;

    public SwitchboardSpringAiEmbeddingModel(LlmProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    @Override
    public EmbeddingResponse call(org.springframework.ai.embedding.EmbeddingRequest request) {
        String model = request.getOptions() == null ? null : request.getOptions().getModel();
        Integer dimensions = request.getOptions() == null ? null : request.getOptions().getDimensions();
        dev.switchboard.api.EmbeddingResponse r = provider.embed(
                new EmbeddingRequest(model, request.getInstructions(), dimensions));
        List<Embedding> out = new ArrayList<>();
        for (dev.switchboard.api.Embedding e : r.embeddings()) {
            out.add(new Embedding(e.vector(), e.index()));
        }
        out.sort((a, b) -> Integer.compare(a.getIndex(), b.getIndex()));
        return new EmbeddingResponse(out);
    }

    @Override
    public float[] embed(Document document) {
        return embed(document.getText());
    }
}
