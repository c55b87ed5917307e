package dev.switchboard.provider.anthropic;

import dev.switchboard.api.ChatRequest;
import dev.switchboard.spi.UnsupportedParams;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of a request's fields go into a Messages API body, decided before anything is written: sampling the API
 * version or the model refuses, and the OpenAI-only fields a gateway client sent (passed on as provider
 * parameters), mapped where Anthropic has an equivalent and otherwise handled by {@link UnsupportedParams}.
 *
 * <ul>
 *   <li>API version {@code 2026-10-21} and later take neither {@code temperature} nor {@code top_p}.</li>
 *   <li>Models after Claude Opus 4.6 (generation above 4.6 in the model id, e.g. {@code claude-opus-4-7},
 *       {@code claude-sonnet-5}) refuse a temperature other than 1.0 and a top_p below 0.99 with a 400.</li>
 *   <li>{@code user} becomes {@code metadata.user_id}; {@code parallel_tool_calls: false} becomes
 *       {@code tool_choice.disable_parallel_tool_use: true} ({@code true} is the API's default); an OpenAI
 *       {@code metadata} (any string map) has no equivalent (Anthropic's holds {@code user_id} only); the rest of
 *       {@link UnsupportedParams#OPENAI_ONLY_FIELDS} have none either.</li>
 * </ul>
 *
 * @param sendTemperature        whether the request's temperature is written
 * @param sendTopP               whether the request's top_p is written
 * @param skippedParameters      provider parameters not written as they are
 * @param userId                 {@code metadata.user_id} to write, from the OpenAI {@code user}
 * @param disableParallelToolUse whether {@code tool_choice.disable_parallel_tool_use} is written as true
 */
record AnthropicFieldPlan(boolean sendTemperature, boolean sendTopP, Set<String> skippedParameters,
                          Optional<String> userId, boolean disableParallelToolUse) {

    /** The first API version without temperature and top_p. */
    static final String VERSION_WITHOUT_SAMPLING = "2026-10-21";

    private static final Pattern GENERATION = Pattern.compile("^claude-(?:[a-z]+-)?(\\d+)(?:-(\\d)(?!\\d))?");

    AnthropicFieldPlan {
        skippedParameters = Set.copyOf(skippedParameters);
    }

    static AnthropicFieldPlan of(String provider, ChatRequest r, String model, String apiVersion, UnsupportedParams rule) {
        Map<String, Object> params = r.providerParameters();
        boolean versionTakesSampling = apiVersion.compareTo(VERSION_WITHOUT_SAMPLING) < 0;
        boolean fixedSampling = samplingFixed(model);
        boolean sendTemperature = false;
        if (r.temperature().isPresent() && !params.containsKey("temperature")) {
            double t = r.temperature().getAsDouble();
            if (!versionTakesSampling) {
                rule.unsupported(provider, "temperature (anthropic-version " + apiVersion + " takes none)");
            } else if (fixedSampling && t != 1.0) {
                rule.unsupported(provider, "temperature " + t + " (model " + model + " takes only 1.0)");
            } else {
                sendTemperature = true;
            }
        }
        boolean sendTopP = false;
        if (r.topP().isPresent() && !params.containsKey("top_p")) {
            double p = r.topP().getAsDouble();
            if (!versionTakesSampling) {
                rule.unsupported(provider, "top_p (anthropic-version " + apiVersion + " takes none)");
            } else if (fixedSampling && p < 0.99) {
                rule.unsupported(provider, "top_p " + p + " (model " + model + " takes 0.99 or more)");
            } else {
                sendTopP = true;
            }
        }
        Set<String> skipped = new HashSet<>();
        Optional<String> userId = Optional.empty();
        boolean disableParallel = false;
        for (Map.Entry<String, Object> p : params.entrySet()) {
            String name = p.getKey();
            if (!versionTakesSampling && (name.equals("temperature") || name.equals("top_p"))) {
                skipped.add(name);
                rule.unsupported(provider, name + " (anthropic-version " + apiVersion + " takes none)");
            } else if (name.equals("metadata") && isAnthropicMetadata(p.getValue())) {
                continue; // Anthropic's own {user_id}
            } else if (name.equals("service_tier")) {
                continue; // Anthropic has one too ("auto" or "standard_only"); the API judges the value
            } else if (name.equals("user") && p.getValue() != null) {
                skipped.add(name);
                userId = Optional.of(text(p.getValue()));
            } else if (name.equals("parallel_tool_calls")) {
                skipped.add(name);
                disableParallel = "false".equals(text(p.getValue())) && !r.tools().isEmpty();
            } else if (UnsupportedParams.OPENAI_ONLY_FIELDS.contains(name)) {
                skipped.add(name);
                rule.unsupported(provider, name + " (the Messages API has no such field)");
            }
        }
        if (userId.isPresent() && params.containsKey("metadata") && !skipped.contains("metadata")) {
            userId = Optional.empty(); // the caller's own metadata.user_id wins
        }
        return new AnthropicFieldPlan(sendTemperature, sendTopP, skipped, userId, disableParallel);
    }

    /** Whether {@code model} is of a generation after 4.6, whose sampling is fixed. */
    static boolean samplingFixed(String model) {
        Matcher m = GENERATION.matcher(model);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        return major > 4 || (major == 4 && minor > 6);
    }

    private static boolean isAnthropicMetadata(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.isEmpty() || map.keySet().equals(Set.of("user_id"));
        }
        if (value instanceof com.fasterxml.jackson.databind.JsonNode node && node.isObject()) {
            return node.isEmpty() || (node.size() == 1 && node.has("user_id"));
        }
        return false;
    }

    private static String text(Object value) {
        if (value instanceof com.fasterxml.jackson.databind.JsonNode node) {
            return node.isTextual() ? node.asText() : node.toString();
        }
        return String.valueOf(value);
    }
}
