package dev.switchboard.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a chat request, whichever provider gave it. Immutable and thread-safe.
 *
 * <p>Built with {@link #builder()} (a provider) or copied with {@link #toBuilder()} (the runtime adds the attempt
 * trail and the cost). It is a class with a private constructor rather than a record on purpose: a record's
 * canonical constructor is public and changes with every component, so the next field would break every plugin
 * that constructs a response. A builder gains a setter with a default instead, and code built against an older
 * Switchboard keeps working.
 */
public final class ChatResponse {

    private final String id;
    private final String model;
    private final String provider;
    private final Message message;
    private final String reasoning;
    private final FinishReason finishReason;
    private final String rawFinishReason;
    private final Usage usage;
    private final RateLimits rateLimits;
    private final List<Attempt> attempts;
    private final Cost cost;

    private ChatResponse(Builder b) {
        this.id = b.id;
        this.model = b.model;
        this.provider = require(b.provider, "provider");
        this.message = require(b.message, "message");
        this.reasoning = b.reasoning;
        this.finishReason = require(b.finishReason, "finishReason");
        this.rawFinishReason = b.rawFinishReason;
        this.usage = b.usage;
        this.rateLimits = b.rateLimits;
        this.attempts = b.attempts;
        this.cost = b.cost;
    }

    /** A copy of {@code r} with another trail and cost: what {@link #withCost} and {@link #withAttempts} make. */
    private ChatResponse(ChatResponse r, List<Attempt> attempts, Cost cost) {
        this.id = r.id;
        this.model = r.model;
        this.provider = r.provider;
        this.message = r.message;
        this.reasoning = r.reasoning;
        this.finishReason = r.finishReason;
        this.rawFinishReason = r.rawFinishReason;
        this.usage = r.usage;
        this.rateLimits = r.rateLimits;
        this.attempts = attempts;
        this.cost = cost;
    }

    private static <T> T require(@Nullable T value, String name) {
        if (value == null) { // not requireNonNull with a message supplier: a capturing lambda per part on every build
            throw new NullPointerException("ChatResponse." + name + " is required; set it on the builder");
        }
        return value;
    }

    /** A builder with every optional part at its default (empty texts, {@link Usage#NONE}, no attempts, ...). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this response's parts, to make a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.model = model;
        b.provider = provider;
        b.message = message;
        b.reasoning = reasoning;
        b.finishReason = finishReason;
        b.rawFinishReason = rawFinishReason;
        b.usage = usage;
        b.rateLimits = rateLimits;
        b.attempts = attempts;
        b.cost = cost;
        return b;
    }

    /**
     * This response with {@code cost} ({@link Cost#UNKNOWN} for null) in place of its own, as
     * {@code toBuilder().cost(cost).build()} makes it, without the builder: the runtime prices every answer.
     */
    public ChatResponse withCost(@Nullable Cost cost) {
        return new ChatResponse(this, attempts, cost == null ? Cost.UNKNOWN : cost);
    }

    /**
     * This response with the attempt trail {@code attempts} (copied; empty for null) in place of its own, as
     * {@code toBuilder().attempts(attempts).build()} makes it, without the builder: a route adds its trail to every
     * answer.
     */
    public ChatResponse withAttempts(@Nullable List<Attempt> attempts) {
        return new ChatResponse(this, attempts == null ? List.of() : List.copyOf(attempts), cost);
    }

    /** The provider's response id; empty when the provider gives none. */
    public String id() {
        return id;
    }

    /** The model that answered, as the provider named it (the requested one when the provider does not say). */
    public String model() {
        return model;
    }

    /** The configured name of the provider that answered. */
    public String provider() {
        return provider;
    }

    /** The assistant message: text and tool calls. */
    public Message message() {
        return message;
    }

    /** Reasoning text some models expose separately; empty when none. */
    public String reasoning() {
        return reasoning;
    }

    /** The finish reason, normalised. */
    public FinishReason finishReason() {
        return finishReason;
    }

    /** The provider's own finish reason, as sent; empty when it sent none. */
    public String rawFinishReason() {
        return rawFinishReason;
    }

    /** Token counts ({@link Usage#NONE} when the provider reported none). */
    public Usage usage() {
        return usage;
    }

    /** The provider's rate-limit headers on this response ({@link RateLimits#NONE} when none). */
    public RateLimits rateLimits() {
        return rateLimits;
    }

    /** Every try within the call, the successful one last (empty from a provider; a route fills it). */
    public List<Attempt> attempts() {
        return attempts;
    }

    /**
     * What the call cost, when its price is known ({@link Cost#UNKNOWN} otherwise); a provider answers without one,
     * the runtime prices it.
     */
    public Cost cost() {
        return cost;
    }

    /** The answer's text. */
    public String text() {
        return message.text();
    }

    public List<ToolCall> toolCalls() {
        return message.toolCalls();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChatResponse r && id.equals(r.id) && model.equals(r.model) && provider.equals(r.provider)
                && message.equals(r.message) && reasoning.equals(r.reasoning) && finishReason == r.finishReason
                && rawFinishReason.equals(r.rawFinishReason) && usage.equals(r.usage) && rateLimits.equals(r.rateLimits)
                && attempts.equals(r.attempts) && cost.equals(r.cost);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, model, provider, message, reasoning, finishReason, rawFinishReason, usage, rateLimits,
                attempts, cost);
    }

    @Override
    public String toString() {
        return "ChatResponse[id=" + id + ", model=" + model + ", provider=" + provider + ", message=" + message
                + ", reasoning=" + reasoning + ", finishReason=" + finishReason + ", rawFinishReason=" + rawFinishReason
                + ", usage=" + usage + ", rateLimits=" + rateLimits + ", attempts=" + attempts + ", cost=" + cost + "]";
    }

    /**
     * Builds a {@link ChatResponse}. {@code provider}, {@code message} and {@code finishReason} are required; every
     * other part has a default. A null argument means "not given" and keeps the default. Not thread-safe.
     */
    public static final class Builder {
        private String id = "";
        private String model = "";
        private @Nullable String provider;
        private @Nullable Message message;
        private String reasoning = "";
        private @Nullable FinishReason finishReason;
        private String rawFinishReason = "";
        private Usage usage = Usage.NONE;
        private RateLimits rateLimits = RateLimits.NONE;
        private List<Attempt> attempts = List.of();
        private Cost cost = Cost.UNKNOWN;

        private Builder() {}

        /** The provider's response id; empty by default. */
        public Builder id(@Nullable String id) {
            this.id = id == null ? "" : id;
            return this;
        }

        /** The model that answered; empty by default. */
        public Builder model(@Nullable String model) {
            this.model = model == null ? "" : model;
            return this;
        }

        /** The configured name of the provider that answered; required. */
        public Builder provider(@Nullable String provider) {
            this.provider = provider;
            return this;
        }

        /** The assistant message; required. */
        public Builder message(@Nullable Message message) {
            this.message = message;
            return this;
        }

        /** Separately exposed reasoning text; empty by default. */
        public Builder reasoning(@Nullable String reasoning) {
            this.reasoning = reasoning == null ? "" : reasoning;
            return this;
        }

        /** The normalised finish reason; required. */
        public Builder finishReason(@Nullable FinishReason finishReason) {
            this.finishReason = finishReason;
            return this;
        }

        /** The provider's own finish reason; empty by default. */
        public Builder rawFinishReason(@Nullable String rawFinishReason) {
            this.rawFinishReason = rawFinishReason == null ? "" : rawFinishReason;
            return this;
        }

        /** Token counts; {@link Usage#NONE} by default. */
        public Builder usage(@Nullable Usage usage) {
            this.usage = usage == null ? Usage.NONE : usage;
            return this;
        }

        /** The provider's rate-limit headers; {@link RateLimits#NONE} by default. */
        public Builder rateLimits(@Nullable RateLimits rateLimits) {
            this.rateLimits = rateLimits == null ? RateLimits.NONE : rateLimits;
            return this;
        }

        /** The attempt trail (copied); empty by default. A provider leaves it empty: a route fills it. */
        public Builder attempts(@Nullable List<Attempt> attempts) {
            this.attempts = attempts == null ? List.of() : List.copyOf(attempts);
            return this;
        }

        /** The call's cost; {@link Cost#UNKNOWN} by default. A provider leaves it: the runtime prices the call. */
        public Builder cost(@Nullable Cost cost) {
            this.cost = cost == null ? Cost.UNKNOWN : cost;
            return this;
        }

        /**
         * @throws NullPointerException naming the part when {@code provider}, {@code message} or {@code finishReason}
         *                              is missing
         */
        public ChatResponse build() {
            return new ChatResponse(this);
        }
    }
}
