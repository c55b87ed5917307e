package dev.switchboard.runtime.routing;

import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ResponseFormat;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a call needs from a provider's declared {@link LlmProvider#capabilities()}, and the refusal when some of it is
 * not declared. The runtime checks before anything is sent: a route skips such a target and moves on, a configured
 * provider called directly refuses the call. So a plugin is never asked for what it said it cannot do, whatever its
 * own checks.
 */
public final class CapabilityCheck {

    /** What a plain chat call needs, and a plain stream: most calls, so made once. */
    private static final Set<Capability> CHAT = Set.of(Capability.CHAT);
    private static final Set<Capability> CHAT_STREAMED = Set.of(Capability.CHAT, Capability.STREAMING);

    private CapabilityCheck() {}

    /**
     * What a chat call needs: {@link Capability#CHAT}; {@link Capability#STREAMING} when streamed; and
     * {@link Capability#TOOLS}, {@link Capability#VISION}, {@link Capability#JSON_OUTPUT} or
     * {@link Capability#JSON_SCHEMA_OUTPUT} when the request offers tools, carries images or asks for JSON. Immutable.
     */
    public static Set<Capability> forChat(ChatRequest request, boolean streamed) {
        if (request.tools().isEmpty() && !request.hasImages() && request.responseFormat().isEmpty()) {
            return streamed ? CHAT_STREAMED : CHAT;
        }
        Set<Capability> needed = EnumSet.of(Capability.CHAT);
        if (streamed) {
            needed.add(Capability.STREAMING);
        }
        if (!request.tools().isEmpty()) {
            needed.add(Capability.TOOLS);
        }
        if (request.hasImages()) {
            needed.add(Capability.VISION);
        }
        request.responseFormat().ifPresent(format -> {
            if (format instanceof ResponseFormat.JsonSchema) {
                needed.add(Capability.JSON_SCHEMA_OUTPUT);
            } else if (format instanceof ResponseFormat.JsonObject) {
                needed.add(Capability.JSON_OUTPUT);
            }
        });
        return Set.copyOf(needed);
    }

    /** What of {@code needed} {@code provider} does not declare (empty when it can take the call). */
    public static Set<Capability> missing(LlmProvider provider, Set<Capability> needed) {
        if (provider.capabilities().containsAll(needed)) {
            return Set.of(); // the usual answer, without a set to copy and empty
        }
        Set<Capability> missing = needed.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(needed);
        missing.removeAll(provider.capabilities());
        return missing;
    }

    /**
     * The refusal of a call {@code provider} lacks {@code missing} for: {@link ErrorKind#UNSUPPORTED}, one line naming
     * the provider, its type and each capability, e.g. {@code local: streaming needs capability STREAMING, which
     * provider 'local' (type openai-compatible) does not declare; nothing was sent}.
     */
    public static LlmException refusal(LlmProvider provider, Set<Capability> missing, String call) {
        String names = missing.stream().map(Capability::name).collect(Collectors.joining(", "));
        return LlmException.builder(ErrorKind.UNSUPPORTED, provider.name())
                .message(call + " needs capabilit" + (missing.size() == 1 ? "y " : "ies ") + names + ", which provider '"
                        + provider.name() + "' (type " + provider.type() + ") does not declare; nothing was sent")
                .build();
    }

    /**
     * Refuses {@code call} before anything is sent when {@code provider} does not declare all of {@code needed}.
     *
     * @throws LlmException {@link ErrorKind#UNSUPPORTED}, see {@link #refusal}
     */
    public static void require(LlmProvider provider, Set<Capability> needed, String call) {
        Set<Capability> missing = missing(provider, needed);
        if (!missing.isEmpty()) {
            throw refusal(provider, missing, call);
        }
    }
}
