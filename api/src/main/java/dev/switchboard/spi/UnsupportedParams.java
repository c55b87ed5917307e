package dev.switchboard.spi;

import dev.switchboard.api.LlmException;
import java.util.Locale;
import java.util.Set;

/**
 * What a provider does with a request field it cannot take and has no equivalent for: the provider setting
 * {@code switchboard.providers.<name>.unsupported-params = drop | reject} (LiteLLM's {@code drop_params} idea).
 * {@link #DROP} (the default) leaves the field out and logs it at debug level; {@link #REJECT} refuses the request
 * before sending with {@link dev.switchboard.api.ErrorKind#UNSUPPORTED}, which a route falls back on. Neither ever
 * sends the field, so a provider's 400 for an unknown field never turns a request that could fall back into a
 * caller error.
 */
public enum UnsupportedParams {
    DROP,
    REJECT;

    /** The setting's key in a provider block. */
    public static final String KEY = "unsupported-params";

    /**
     * Chat Completions request fields only OpenAI-style APIs take. The gateway passes a client's unknown fields on as
     * provider parameters, so these reach other providers' bodies unless each maps or drops them.
     */
    public static final Set<String> OPENAI_ONLY_FIELDS = Set.of("user", "store", "metadata", "parallel_tool_calls",
            "logprobs", "top_logprobs", "frequency_penalty", "presence_penalty", "logit_bias", "prediction",
            "modalities", "audio", "reasoning_effort", "prompt_cache_key", "safety_identifier", "verbosity",
            "web_search_options", "service_tier");

    private static final System.Logger LOG = System.getLogger(UnsupportedParams.class.getName());

    /** Reads the setting from a provider's options; absent means {@link #DROP}. */
    public static UnsupportedParams of(ProviderSettings settings) {
        String value = settings.options().string(KEY).map(v -> v.strip().toLowerCase(Locale.ROOT)).orElse("drop");
        return switch (value) {
            case "drop" -> DROP;
            case "reject" -> REJECT;
            default -> throw new IllegalArgumentException("switchboard.providers." + settings.name() + "." + KEY
                    + " must be drop or reject, was " + value);
        };
    }

    /**
     * Handles one field {@code provider} cannot take: logs it at debug level when dropping, throws when rejecting.
     *
     * @param what the field and why, e.g. {@code "frequency_penalty (the Messages API has none)"}
     * @throws LlmException of kind UNSUPPORTED when this is {@link #REJECT}
     */
    public void unsupported(String provider, String what) {
        if (this == REJECT) {
            throw LlmException.unsupported(provider, what + "; set " + KEY + " = drop to leave such fields out");
        }
        LOG.log(System.Logger.Level.DEBUG, "{0}: dropping {1}", provider, what);
    }
}
