package dev.switchboard.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * A chat request in Switchboard's provider-neutral form. Immutable and thread-safe; build one with
 * {@link #builder()} or {@link #of(String)}, change one with {@link #toBuilder()}.
 *
 * <p>An unset model means "the provider's configured default model". {@code providerParameters} pass through to
 * the provider's JSON body as top-level fields (e.g. Together's {@code repetition_penalty}).
 */
public final class ChatRequest {

    private final @Nullable String model;
    private final List<Message> messages;
    private final List<ToolDefinition> tools;
    private final @Nullable ToolChoice toolChoice;
    private final @Nullable ResponseFormat responseFormat;
    private final @Nullable Double temperature;
    private final @Nullable Double topP;
    private final @Nullable Integer maxOutputTokens;
    private final List<String> stop;
    private final @Nullable Long seed;
    private final Map<String, Object> providerParameters;

    private ChatRequest(Builder b) {
        this.model = b.model;
        this.messages = List.copyOf(b.messages);
        this.tools = List.copyOf(b.tools);
        this.toolChoice = b.toolChoice;
        this.responseFormat = b.responseFormat;
        this.temperature = b.temperature;
        this.topP = b.topP;
        this.maxOutputTokens = b.maxOutputTokens;
        this.stop = List.copyOf(b.stop);
        this.seed = b.seed;
        this.providerParameters = Map.copyOf(b.providerParameters);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message");
        }
        if (toolChoice instanceof ToolChoice.Specific s && tools.stream().noneMatch(t -> t.name().equals(s.name()))) {
            throw new IllegalArgumentException("tool choice names '" + s.name() + "', which is not among the tools");
        }
    }

    /** A request with one user message. */
    public static ChatRequest of(String userText) {
        return builder().addMessage(Message.user(userText)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.messages.addAll(messages);
        b.tools.addAll(tools);
        b.toolChoice = toolChoice;
        b.responseFormat = responseFormat;
        b.temperature = temperature;
        b.topP = topP;
        b.maxOutputTokens = maxOutputTokens;
        b.stop.addAll(stop);
        b.seed = seed;
        b.providerParameters.putAll(providerParameters);
        return b;
    }

    public Optional<String> model() { return Optional.ofNullable(model); }
    public List<Message> messages() { return messages; }
    public List<ToolDefinition> tools() { return tools; }
    public Optional<ToolChoice> toolChoice() { return Optional.ofNullable(toolChoice); }
    public Optional<ResponseFormat> responseFormat() { return Optional.ofNullable(responseFormat); }
    public OptionalDouble temperature() { return temperature == null ? OptionalDouble.empty() : OptionalDouble.of(temperature); }
    public OptionalDouble topP() { return topP == null ? OptionalDouble.empty() : OptionalDouble.of(topP); }
    public OptionalInt maxOutputTokens() { return maxOutputTokens == null ? OptionalInt.empty() : OptionalInt.of(maxOutputTokens); }
    public List<String> stop() { return stop; }
    public OptionalLong seed() { return seed == null ? OptionalLong.empty() : OptionalLong.of(seed); }
    public Map<String, Object> providerParameters() { return providerParameters; }

    /** Whether any message carries an image. */
    public boolean hasImages() {
        for (Message m : messages) {
            if (m.hasImages()) {
                return true;
            }
        }
        return false;
    }

    /** The model to use: the request's, or {@code defaultModel} when the request names none. */
    public String modelOr(String defaultModel) {
        return model != null ? model : defaultModel;
    }

    @Override
    public String toString() {
        return "ChatRequest[model=" + model + ", messages=" + messages.size() + ", tools=" + tools.size() + "]";
    }

    /** Builds a {@link ChatRequest}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String model;
        private final List<Message> messages = new ArrayList<>();
        private final List<ToolDefinition> tools = new ArrayList<>();
        private @Nullable ToolChoice toolChoice;
        private @Nullable ResponseFormat responseFormat;
        private @Nullable Double temperature;
        private @Nullable Double topP;
        private @Nullable Integer maxOutputTokens;
        private final List<String> stop = new ArrayList<>();
        private @Nullable Long seed;
        private final Map<String, Object> providerParameters = new LinkedHashMap<>();

        private Builder() {}

        /** The model; null means the provider's configured default. */
        public Builder model(@Nullable String model) { this.model = model; return this; }
        public Builder messages(List<Message> messages) { this.messages.clear(); this.messages.addAll(messages); return this; }
        public Builder addMessage(Message message) { this.messages.add(Objects.requireNonNull(message, "message")); return this; }
        public Builder system(String text) { return addMessage(Message.system(text)); }
        public Builder user(String text) { return addMessage(Message.user(text)); }
        public Builder tools(List<ToolDefinition> tools) { this.tools.clear(); this.tools.addAll(tools); return this; }
        public Builder addTool(ToolDefinition tool) { this.tools.add(Objects.requireNonNull(tool, "tool")); return this; }
        public Builder toolChoice(@Nullable ToolChoice toolChoice) { this.toolChoice = toolChoice; return this; }
        public Builder responseFormat(@Nullable ResponseFormat responseFormat) { this.responseFormat = responseFormat; return this; }

        public Builder temperature(@Nullable Double temperature) {
            if (temperature != null && !(temperature >= 0 && temperature <= 2)) { // written so NaN fails too
                throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        public Builder topP(@Nullable Double topP) {
            if (topP != null && !(topP > 0 && topP <= 1)) { // written so NaN fails too
                throw new IllegalArgumentException("top-p must be in (0, 1], was " + topP);
            }
            this.topP = topP;
            return this;
        }

        public Builder maxOutputTokens(@Nullable Integer maxOutputTokens) {
            if (maxOutputTokens != null && maxOutputTokens < 1) {
                throw new IllegalArgumentException("max output tokens must be at least 1, was " + maxOutputTokens);
            }
            this.maxOutputTokens = maxOutputTokens;
            return this;
        }

        public Builder stop(List<String> stop) { this.stop.clear(); this.stop.addAll(stop); return this; }
        public Builder seed(@Nullable Long seed) { this.seed = seed; return this; }

        /** A provider-specific top-level body field, passed through as is. */
        public Builder providerParameter(String name, Object value) {
            this.providerParameters.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public ChatRequest build() {
            return new ChatRequest(this);
        }
    }
}
