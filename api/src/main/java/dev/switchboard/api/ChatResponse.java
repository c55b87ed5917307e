package dev.switchboard.api;

import java.util.List;
import java.util.Objects;

/**
 * The answer to a chat request, whichever provider gave it. Immutable.
 *
 * @param id              the provider's response id (may be empty)
 * @param model           the model that answered, as the provider named it
 * @param provider        the configured name of the provider that answered
 * @param message         the assistant message: text and tool calls
 * @param reasoning       reasoning text some models expose separately (empty when none)
 * @param finishReason    normalised finish reason
 * @param rawFinishReason the provider's own finish reason (may be empty)
 * @param usage           token counts
 * @param rateLimits      the provider's rate-limit headers on this response
 * @param attempts        every try within the call, the successful one last
 * @param cost            what the call cost, when its price is known ({@link Cost#UNKNOWN} otherwise); a provider
 *                        answers without one, the runtime prices it
 */
public record ChatResponse(
        String id,
        String model,
        String provider,
        Message message,
        String reasoning,
        FinishReason finishReason,
        String rawFinishReason,
        Usage usage,
        RateLimits rateLimits,
        List<Attempt> attempts,
        Cost cost) {

    public ChatResponse {
        id = id == null ? "" : id;
        model = model == null ? "" : model;
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(message, "message");
        reasoning = reasoning == null ? "" : reasoning;
        Objects.requireNonNull(finishReason, "finishReason");
        rawFinishReason = rawFinishReason == null ? "" : rawFinishReason;
        usage = usage == null ? Usage.NONE : usage;
        rateLimits = rateLimits == null ? RateLimits.NONE : rateLimits;
        attempts = List.copyOf(attempts);
        cost = cost == null ? Cost.UNKNOWN : cost;
    }

    /** A response whose cost is not known yet (what a provider returns; the runtime adds the cost). */
    public ChatResponse(String id, String model, String provider, Message message, String reasoning,
                        FinishReason finishReason, String rawFinishReason, Usage usage, RateLimits rateLimits,
                        List<Attempt> attempts) {
        this(id, model, provider, message, reasoning, finishReason, rawFinishReason, usage, rateLimits, attempts,
                Cost.UNKNOWN);
    }

    /** The answer's text. */
    public String text() {
        return message.text();
    }

    public List<ToolCall> toolCalls() {
        return message.toolCalls();
    }

    /** A copy with the attempt trail replaced (a route adds the tries before the successful one). */
    public ChatResponse withAttempts(List<Attempt> newAttempts) {
        return new ChatResponse(id, model, provider, message, reasoning, finishReason, rawFinishReason, usage, rateLimits,
                newAttempts, cost);
    }

    /** A copy with the cost replaced. */
    public ChatResponse withCost(Cost newCost) {
        return new ChatResponse(id, model, provider, message, reasoning, finishReason, rawFinishReason, usage, rateLimits,
                attempts, newCost);
    }
}
