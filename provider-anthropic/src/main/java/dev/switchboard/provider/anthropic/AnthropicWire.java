package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ReasoningBlock;
import dev.switchboard.api.ToolCall;
import dev.switchboard.http.Json;
import dev.switchboard.http.ResponseHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads Messages API responses, model lists and rate-limit headers. Stateless. */
final class AnthropicWire {

    /** The provider type, which {@link ReasoningBlock}s from this API carry: only they are sent back to it. */
    static final String TYPE = "anthropic";

    private AnthropicWire() {}

    /**
     * Reads a Message: text blocks joined, {@code tool_use} blocks as tool calls (their {@code input} object as JSON
     * text), {@code thinking} blocks as reasoning text and, with their signatures, as reasoning blocks, as are
     * {@code redacted_thinking} blocks; server-side tool blocks and anything unknown are left out.
     */
    static ChatResponse readMessage(JsonNode body, String provider, String requestedModel, RateLimits limits) {
        JsonNode content = body.get("content");
        if (content == null || !content.isArray()) {
            throw LlmException.builder(ErrorKind.SERVER, provider)
                    .message("the response is not a message: it has no content array").build();
        }
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        List<ReasoningBlock> blocks = new ArrayList<>();
        for (JsonNode block : content) {
            String type = block.path("type").asText("");
            switch (type) {
                case "text" -> text.append(block.path("text").asText(""));
                case "thinking" -> {
                    String thinking = block.path("thinking").asText("");
                    reasoning.append(thinking);
                    blocks.add(ReasoningBlock.thinking(TYPE, thinking, Json.text(block, "signature")));
                }
                case "redacted_thinking" -> {
                    String data = Json.text(block, "data");
                    if (data != null && !data.isEmpty()) {
                        blocks.add(ReasoningBlock.redacted(TYPE, data));
                    }
                }
                case "tool_use" -> calls.add(new ToolCall(block.path("id").asText(""), block.path("name").asText(""),
                        argumentsText(block.get("input"))));
                default -> { } // server_tool_use, web search results: not part of our answer
            }
        }
        String raw = Json.text(body, "stop_reason");
        FinishReason reason = raw == null ? (calls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS) : finishReason(raw);
        String model = Json.text(body, "model");
        return ChatResponse.builder()
                .id(Json.text(body, "id"))
                .model(model == null ? requestedModel : model)
                .provider(provider)
                .message(Message.assistant(text.toString(), calls, blocks))
                .reasoning(reasoning.toString())
                .finishReason(reason)
                .rawFinishReason(raw)
                .usage(new UsageTotals().update(body.get("usage")).toUsage())
                .rateLimits(limits)
                .build();
    }

    /** A tool input object as JSON text; {@code {}} when there is none. */
    static String argumentsText(JsonNode input) {
        if (input == null || input.isNull() || input.isMissingNode()) {
            return "{}";
        }
        return input.isTextual() ? input.asText() : input.toString();
    }

    /**
     * Anthropic's stop reasons: {@code end_turn} and {@code stop_sequence} stop, {@code max_tokens} (and
     * {@code model_context_window_exceeded}) is the length limit, {@code tool_use} asks for tools, {@code refusal} is
     * the safety system's; {@code pause_turn} and anything new are {@link FinishReason#OTHER}.
     */
    static FinishReason finishReason(String raw) {
        return switch (raw) {
            case "end_turn", "stop_sequence" -> FinishReason.STOP;
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }

    /** One page of {@code GET /models}: {@code data[{id, display_name, max_input_tokens, ...}]}. */
    static List<ModelInfo> readModels(JsonNode page, String provider) {
        List<ModelInfo> out = new ArrayList<>();
        for (JsonNode m : page.path("data")) {
            String id = Json.text(m, "id");
            if (id != null && !id.isEmpty()) {
                long context = m.path("max_input_tokens").asLong(0);
                out.add(ModelInfo.builder(id, provider).kind("chat").ownedBy("anthropic").contextLength(context).build());
            }
        }
        return out;
    }

    /**
     * The {@code anthropic-ratelimit-requests-*} and {@code anthropic-ratelimit-tokens-*} headers (the input- and
     * output-token limits stand in when the combined one is absent); resets are RFC 3339 times, turned into the wait
     * from the clock's now.
     */
    static RateLimits rateLimits(ResponseHeaders h, Clock clock) {
        OptionalLong limitReq = longHeader(h, "anthropic-ratelimit-requests-limit");
        OptionalLong remReq = longHeader(h, "anthropic-ratelimit-requests-remaining");
        String tokens = h.get("anthropic-ratelimit-tokens-limit").isPresent() ? "tokens" : "input-tokens";
        OptionalLong limitTok = longHeader(h, "anthropic-ratelimit-" + tokens + "-limit");
        OptionalLong remTok = longHeader(h, "anthropic-ratelimit-" + tokens + "-remaining");
        if (limitReq.isEmpty() && remReq.isEmpty() && limitTok.isEmpty() && remTok.isEmpty()) {
            return RateLimits.NONE;
        }
        return RateLimits.builder()
                .limitRequests(limitReq)
                .remainingRequests(remReq)
                .resetRequests(reset(h, "anthropic-ratelimit-requests-reset", clock))
                .limitTokens(limitTok)
                .remainingTokens(remTok)
                .resetTokens(reset(h, "anthropic-ratelimit-" + tokens + "-reset", clock))
                .build();
    }

    private static Optional<Duration> reset(ResponseHeaders h, String name, Clock clock) {
        Optional<String> v = h.get(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            Duration d = Duration.between(clock.instant(), OffsetDateTime.parse(v.get().strip()).toInstant());
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static OptionalLong longHeader(ResponseHeaders h, String name) {
        Optional<String> v = h.get(name);
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v.get().strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
