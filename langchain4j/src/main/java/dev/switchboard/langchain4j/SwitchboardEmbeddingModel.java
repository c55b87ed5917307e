package dev.switchboard.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.LlmProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A Switchboard route (or any {@link LlmProvider}) as LangChain4j's {@link EmbeddingModel}: the first target that
 * embeds answers, with the route's retries and fallback. Embeddings come back in the order of the segments, with
 * the input token usage. Thread-safe when the provider is.
 */
public final class SwitchboardEmbeddingModel implements EmbeddingModel {

    private final LlmProvider provider;
    private final String model;

    /** Embeds with each target's configured embedding model. */
    public SwitchboardEmbeddingModel(LlmProvider provider) {
        this(provider, null);
    }

    /** Embeds with {@code model} (null: each target's configured embedding model). */
    public SwitchboardEmbeddingModel(LlmProvider provider, String model) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.model = model;
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<String> texts = new ArrayList<>(segments.size());
        for (TextSegment s : segments) {
            texts.add(s.text());
        }
        EmbeddingResponse r;
        try {
            r = provider.embed(new EmbeddingRequest(model, texts, null));
        } catch (RuntimeException e) {
            throw Lc4jErrors.map(e);
        }
        Embedding[] ordered = new Embedding[segments.size()];
        for (dev.switchboard.api.Embedding e : r.embeddings()) {
            if (e.index() < 0 || e.index() >= ordered.length) {
                throw new IllegalStateException("switchboard: " + r.provider() + " answered embedding index "
                        + e.index() + " for " + ordered.length + " inputs");
            }
            ordered[e.index()] = Embedding.from(e.vector());
        }
        for (int i = 0; i < ordered.length; i++) {
            if (ordered[i] == null) {
                throw new IllegalStateException("switchboard: " + r.provider() + " sent no embedding for input " + i);
            }
        }
        return Response.from(List.of(ordered), Lc4jMapping.tokenUsage(r.usage()));
    }

    @Override
    public String modelName() {
        return model != null ? model : provider.name();
    }

    @Override
    public String toString() {
        return "SwitchboardEmbeddingModel[" + provider.name() + "]";
    }
}
