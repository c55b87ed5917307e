package dev.switchboard.spi;

import dev.switchboard.api.LlmException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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

    /**
     * The provider parameters to send to an API that is not OpenAI's. Each of {@link #OPENAI_ONLY_FIELDS} among
     * {@code parameters} is sent under the name {@code equivalents} maps it to (the provider's own field, or the same
     * name where the provider takes it as is), unless the caller also gave that field itself; one with no equivalent
     * is handled by this rule: left out with a debug log, or refused. Every other parameter passes as given, in order.
     *
     * @param api         what the provider speaks, for the log and the error, e.g. {@code "Cohere's v2 chat API"}
     * @param equivalents OpenAI field name to the provider's field name, for the fields the provider can take
     * @throws LlmException of kind UNSUPPORTED when this is {@link #REJECT} and a field has no equivalent
     */
    public Map<String, Object> screenOpenAiFields(String provider, String api, Map<String, Object> parameters,
                                                  Map<String, String> equivalents) {
        boolean any = false;
        for (String name : parameters.keySet()) {
            any |= OPENAI_ONLY_FIELDS.contains(name) && !name.equals(equivalents.get(name));
        }
        if (!any) {
            return parameters; // the common case: nothing to rename or leave out
        }
        Map<String, Object> sent = new LinkedHashMap<>();
        for (Map.Entry<String, Object> p : parameters.entrySet()) {
            String name = p.getKey();
            if (!OPENAI_ONLY_FIELDS.contains(name)) {
                sent.put(name, p.getValue());
                continue;
            }
            String equivalent = equivalents.get(name);
            if (equivalent == null) {
                unsupported(provider, name + " (" + api + " has no such field)");
            } else if (equivalent.equals(name) || !parameters.containsKey(equivalent)) {
                sent.put(equivalent, p.getValue());
            } else {
                LOG.log(System.Logger.Level.DEBUG, "{0}: dropping {1}: the request sets {2} itself", provider, name,
                        equivalent);
            }
        }
        return sent;
    }
}
