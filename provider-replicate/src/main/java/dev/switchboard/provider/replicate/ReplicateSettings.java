package dev.switchboard.provider.replicate;

import dev.switchboard.http.Urls;
import dev.switchboard.spi.ProviderOptions;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.UnsupportedParams;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Replicate-specific keys of a provider block, read and checked once.
 *
 * @param baseUrl          the API root, without a trailing slash
 * @param preferWait       the {@code Prefer} header value that holds a create request open ({@code wait} or
 *                         {@code wait=N}); empty: create and poll at once
 * @param pollInterval     how long to wait between polls of a prediction still running
 * @param promptFormat     how a conversation becomes the model's {@code prompt}
 * @param maxTokensField   the input field that takes the output token limit ({@code max_tokens}, or
 *                         {@code max_new_tokens} for older models)
 * @param modelsCollection the collection whose models {@code listModels()} names
 * @param unsupportedParams what to do with an OpenAI-only field a prediction's input has no equivalent for
 */
record ReplicateSettings(String baseUrl, Optional<String> preferWait, Duration pollInterval, PromptFormat promptFormat,
                         String maxTokensField, String modelsCollection, UnsupportedParams unsupportedParams) {

    static final String DEFAULT_BASE_URL = "https://api.replicate.com/v1";
    private static final Pattern WAIT = Pattern.compile("wait(?:=(\\d+))?");

    /** How a conversation becomes one {@code prompt}. */
    enum PromptFormat {
        /** One user message as is; several turns as a "User:" / "Assistant:" transcript; system text in system_prompt. */
        TRANSCRIPT,
        /** Llama 3 chat tokens, system included, with {@code prompt_template = "{prompt}"} so the model adds none. */
        LLAMA3
    }

    static ReplicateSettings of(ProviderSettings s) {
        ProviderOptions c = s.options();
        String prefix = "switchboard.providers." + s.name() + ".";
        String wait = c.string("prefer-wait").map(String::strip).orElse("wait");
        Optional<String> preferWait;
        if (wait.isEmpty() || wait.equalsIgnoreCase("off")) {
            preferWait = Optional.empty();
        } else {
            Matcher m = WAIT.matcher(wait);
            if (!m.matches() || (m.group(1) != null && (Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 60))) {
                throw new IllegalArgumentException(prefix + "prefer-wait must be wait, wait=N with N from 1 to 60, or off;"
                        + " was " + wait);
            }
            preferWait = Optional.of(wait);
        }
        Duration poll = c.duration("poll-interval").orElse(Duration.ofSeconds(1));
        if (poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException(prefix + "poll-interval must be positive, was " + poll);
        }
        PromptFormat format = PromptFormat.TRANSCRIPT;
        if (c.has("prompt-format")) {
            String v = c.string("prompt-format").orElseThrow().strip().toLowerCase(Locale.ROOT);
            if (v.equals("llama3")) {
                format = PromptFormat.LLAMA3;
            } else if (!v.equals("transcript")) {
                throw new IllegalArgumentException(prefix + "prompt-format must be transcript or llama3, was " + v);
            }
        }
        String maxTokens = c.string("max-tokens-field").map(String::strip).orElse("max_tokens");
        String collection = c.string("models-collection").map(String::strip).orElse("language-models");
        return new ReplicateSettings(Urls.trimTrailingSlash(s.baseUrl().orElse(DEFAULT_BASE_URL)), preferWait, poll, format,
                maxTokens.isEmpty() ? "max_tokens" : maxTokens, collection.isEmpty() ? "language-models" : collection,
                UnsupportedParams.of(s));
    }
}
