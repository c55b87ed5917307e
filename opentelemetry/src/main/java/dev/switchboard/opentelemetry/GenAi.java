package dev.switchboard.opentelemetry;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import io.opentelemetry.api.common.AttributeKey;
import java.util.List;
import java.util.Locale;

/**
 * The names of the OpenTelemetry semantic conventions for generative AI (version 1.41.0) this module emits, and the
 * mapping of Switchboard's values to theirs.
 */
final class GenAi {

    static final String SEMCONV_VERSION = "1.41.0";

    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Boolean> REQUEST_STREAM = AttributeKey.booleanKey("gen_ai.request.stream");
    static final AttributeKey<Double> REQUEST_TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<Double> REQUEST_TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    static final AttributeKey<Long> REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Long> REQUEST_SEED = AttributeKey.longKey("gen_ai.request.seed");
    static final AttributeKey<List<String>> REQUEST_STOP_SEQUENCES =
            AttributeKey.stringArrayKey("gen_ai.request.stop_sequences");
    static final AttributeKey<String> OUTPUT_TYPE = AttributeKey.stringKey("gen_ai.output.type");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<List<String>> RESPONSE_FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Double> RESPONSE_TIME_TO_FIRST_CHUNK =
            AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk");
    static final AttributeKey<Long> USAGE_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> USAGE_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> USAGE_CACHE_READ_INPUT_TOKENS =
            AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<Long> USAGE_REASONING_OUTPUT_TOKENS =
            AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");
    static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    static final AttributeKey<String> SYSTEM_INSTRUCTIONS = AttributeKey.stringKey("gen_ai.system_instructions");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    /** Switchboard's own: the route a call went through, and the configured name of the provider tried. */
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("switchboard.route");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("switchboard.provider");
    static final AttributeKey<String> ATTEMPT_OUTCOMES = AttributeKey.stringKey("switchboard.attempts");

    static final String CHAT = "chat";
    static final String EMBEDDINGS = "embeddings";

    static final String TOKEN_USAGE = "gen_ai.client.token.usage";
    static final String OPERATION_DURATION = "gen_ai.client.operation.duration";
    static final List<Long> TOKEN_BUCKETS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L,
            1048576L, 4194304L, 16777216L, 67108864L);
    static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
            10.24, 20.48, 40.96, 81.92);

    private GenAi() {}

    /**
     * The {@code gen_ai.provider.name} of a Switchboard provider type: the conventions' well-known value where there is
     * one, else the type itself.
     */
    static String providerName(String type) {
        switch (type) {
            case "gemini":
                return "gcp.gemini";
            case "azure-openai":
                return "azure.ai.openai";
            default:
                return type;
        }
    }

    /** A finish reason as the conventions write them ({@code stop}, {@code length}, {@code tool_calls}...). */
    static String finishReason(FinishReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The {@code error.type} of a failure: the {@link ErrorKind} in lower case for an {@link LlmException}
     * ({@code rate_limit}, {@code timeout}, {@code server}...), else the exception's class name.
     */
    static String errorType(Throwable failure) {
        if (failure instanceof LlmException e) {
            return e.kind().name().toLowerCase(Locale.ROOT);
        }
        return failure.getClass().getName();
    }
}
