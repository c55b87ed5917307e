package com.example.switchboard.parrot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.Role;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import dev.switchboard.http.ResponseHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** The Parrot API's JSON, both ways: the {@code /v2/generate} request, its answer, and the model list. Stateless. */
final class ParrotWire {

    private ParrotWire() {}

    /**
     * The body of a generate request: system messages become {@code instructions}, the others {@code turns} spoken
     * by {@code human}, {@code parrot} or {@code tool}. Provider parameters are copied to the top level as they are,
     * for fields this plugin does not know. Refuses what Parrot cannot do rather than drop it silently.
     */
    static ObjectNode generate(String provider, ChatRequest r, String model, boolean stream) {
        if (r.hasImages()) {
            throw LlmException.unsupported(provider, "image input (provider type parrot)");
        }
        if (r.responseFormat().filter(f -> !(f instanceof ResponseFormat.Text)).isPresent()) {
            throw LlmException.unsupported(provider, "JSON output (provider type parrot)");
        }
        ObjectNode body = Json.object().put("model", model);
        String instructions = r.messages().stream().filter(m -> m.role() == Role.SYSTEM).map(Message::text)
                .collect(Collectors.joining("\n\n"));
        if (!instructions.isEmpty()) {
            body.put("instructions", instructions);
        }
        ArrayNode turns = body.putArray("turns");
        r.messages().stream().filter(m -> m.role() != Role.SYSTEM).forEach(m -> turns.add(turn(provider, m)));
        if (!r.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolDefinition t : r.tools()) {
                tools.addObject().put("name", t.name()).put("about", t.description())
                        .set("input_schema", Json.parse(t.parametersSchema(), "schema of tool " + t.name()));
            }
        }
        r.toolChoice().ifPresent(choice -> body.put("tool_mode", toolMode(choice)));
        if (r.toolChoice().orElse(null) instanceof ToolChoice.Specific only) {
            body.putArray("allowed_tools").add(only.name());
        }
        ObjectNode sampling = body.putObject("sampling");
        r.temperature().ifPresent(t -> sampling.put("temperature", t));
        r.topP().ifPresent(p -> sampling.put("top_p", p));
        r.seed().ifPresent(seed -> sampling.put("seed", seed));
        ObjectNode limits = body.putObject("limits");
        r.maxOutputTokens().ifPresent(n -> limits.put("max_tokens", n));
        if (!r.stop().isEmpty()) {
            r.stop().forEach(limits.putArray("stop_words")::add);
        }
        r.providerParameters().forEach(body::putPOJO);
        return body.put("stream", stream);
    }

    private static ObjectNode turn(String provider, Message m) {
        ObjectNode turn = Json.object().put("speaker", switch (m.role()) {
            case USER -> "human";
            case ASSISTANT -> "parrot";
            case TOOL -> "tool";
            case SYSTEM -> throw new IllegalStateException("system messages are instructions, not turns");
        });
        if (m.role() == Role.TOOL) {
            turn.put("call_id", m.toolCallId());
        }
        turn.put("text", m.text());
        if (!m.toolCalls().isEmpty()) {
            ArrayNode calls = turn.putArray("calls");
            for (ToolCall c : m.toolCalls()) {
                calls.addObject().put("call_id", c.id()).put("tool", c.name()).set("input", inputObject(provider, c));
            }
        }
        return turn;
    }

    /** Parrot wants a call's input as an object; ours is JSON text a model wrote, so it may be anything. */
    private static JsonNode inputObject(String provider, ToolCall call) {
        try {
            JsonNode input = Json.parse(call.arguments(), "arguments of tool call " + call.name());
            if (input.isObject()) {
                return input;
            }
        } catch (IllegalArgumentException notJson) {
            throw LlmException.invalidRequest(provider, notJson.getMessage());
        }
        throw LlmException.invalidRequest(provider, "arguments of tool call " + call.name() + " must be a JSON object");
    }

    private static String toolMode(ToolChoice choice) {
        return choice instanceof ToolChoice.Auto ? "auto" : choice instanceof ToolChoice.None ? "none" : "required";
    }

    /** A whole generation: {@code output.text}, {@code output.calls}, {@code stop} and {@code tokens}. */
    static ChatResponse readGeneration(JsonNode body, String provider, String model, RateLimits rateLimits) {
        JsonNode output = body.path("output");
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : output.path("calls")) {
            calls.add(toolCall(call));
        }
        String stop = Json.text(body, "stop");
        String answered = Json.text(body, "model");
        return ChatResponse.builder()
                .id(Json.text(body, "generation_id"))
                .model(answered == null ? model : answered)
                .provider(provider)
                .message(Message.assistant(output.path("text").asText(""), calls))
                .finishReason(finishReason(stop))
                .rawFinishReason(stop)
                .usage(usage(body.path("tokens")))
                .rateLimits(rateLimits)
                .build();
    }

    /** A call as both the answer and the stream's {@code call} event carry it: id, tool name, input object. */
    static ToolCall toolCall(JsonNode call) {
        return new ToolCall(call.path("call_id").asText(), call.path("tool").asText(), call.path("input").toString());
    }

    static FinishReason finishReason(String stop) {
        if (stop == null) {
            return FinishReason.OTHER;
        }
        return switch (stop) {
            case "complete", "stop_word" -> FinishReason.STOP;
            case "max_tokens" -> FinishReason.LENGTH;
            case "tool_calls" -> FinishReason.TOOL_CALLS;
            case "blocked" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }

    /** {@code tokens.in} and {@code tokens.out}. */
    static Usage usage(JsonNode tokens) {
        return Usage.of(tokens.path("in").asLong(0), tokens.path("out").asLong(0));
    }

    /** Parrot's request quota: {@code Parrot-Quota-Limit}, {@code -Remaining} and {@code -Reset} (seconds). */
    static RateLimits rateLimits(ResponseHeaders headers) {
        OptionalLong limit = number(headers, "Parrot-Quota-Limit");
        OptionalLong remaining = number(headers, "Parrot-Quota-Remaining");
        OptionalLong reset = number(headers, "Parrot-Quota-Reset");
        Optional<Duration> resetIn = reset.isPresent() ? Optional.of(Duration.ofSeconds(reset.getAsLong())) : Optional.empty();
        return RateLimits.builder().limitRequests(limit).remainingRequests(remaining).resetRequests(resetIn).build();
    }

    private static OptionalLong number(ResponseHeaders headers, String name) {
        Optional<String> value = headers.get(name).map(String::strip);
        if (value.isEmpty() || !value.get().matches("\\d{1,18}")) {
            return OptionalLong.empty(); // absent or garbled: a missing figure, not a failed call
        }
        return OptionalLong.of(Long.parseLong(value.get()));
    }

    /** {@code GET /v2/models}: {@code {"models": [{"id": ..., "kind": ..., "context_tokens": ...}]}}. */
    static List<ModelInfo> readModels(JsonNode body, String provider) {
        List<ModelInfo> models = new ArrayList<>();
        for (JsonNode m : body.path("models")) {
            String id = Json.text(m, "id");
            if (id != null) {
                models.add(ModelInfo.builder(id, provider).kind(Json.text(m, "kind"))
                        .contextLength(m.path("context_tokens").asLong(0)).build());
            }
        }
        return models;
    }
}
