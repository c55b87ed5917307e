package dev.switchboard.provider.huggingface;

import dev.switchboard.api.LlmException;
import dev.switchboard.http.DurationText;
import dev.switchboard.http.HttpFailure;
import dev.switchboard.http.StandardErrorMapper;

/**
 * Hugging Face's errors on top of the standard mapping: a model that is still loading answers 503
 * {@code {"error": "Model ... is currently loading", "estimated_time": 20.0}}; the estimate, in seconds, becomes the
 * retry hint when no header gives one.
 */
final class HuggingFaceErrorMapper extends StandardErrorMapper {

    static final HuggingFaceErrorMapper INSTANCE = new HuggingFaceErrorMapper();

    @Override
    public LlmException map(HttpFailure f) {
        LlmException e = super.map(f);
        if (e.retryAfter().isPresent() || f.body() == null || !f.body().path("estimated_time").isNumber()) {
            return e;
        }
        double seconds = f.body().path("estimated_time").asDouble();
        if (!(seconds >= 0)) {
            return e;
        }
        LlmException.Builder b = LlmException.builder(e.kind(), e.provider())
                .status(f.status())
                .code(e.code().orElse(null))
                .message(StandardErrorMapper.message(f.body(), f.bodyText()))
                .retryAfter(DurationText.fromSeconds(seconds))
                .details(e.details());
        return b.build();
    }
}
