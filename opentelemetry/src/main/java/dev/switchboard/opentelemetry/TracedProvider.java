package dev.switchboard.opentelemetry;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.Usage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A provider whose calls are spans: at {@link Level#ROUTE} the parent span of a route call, at {@link Level#ATTEMPT}
 * one try of a route on one provider (a client span, measured in the GenAI metrics). Passes calls, results and
 * exceptions on unchanged.
 */
final class TracedProvider implements LlmProvider {

    enum Level { ROUTE, ATTEMPT }

    private final SwitchboardTelemetry telemetry;
    private final Level level;
    private final String route;
    private final LlmProvider delegate;
    /** For a route: the type of each target's provider, by name, to name the provider that answered. */
    private final Map<String, String> targetTypes;
    /**
     * For a try: each provider's configured chat model by name (filled once the Switchboard is built, so read at
     * each call), the model a request naming none is sent to.
     */
    private final Map<String, String> defaultModels;

    TracedProvider(SwitchboardTelemetry telemetry, Level level, String route, LlmProvider delegate,
                   Map<String, String> targetTypes, Map<String, String> defaultModels) {
        this.telemetry = telemetry;
        this.level = level;
        this.route = route;
        this.delegate = delegate;
        this.targetTypes = Map.copyOf(targetTypes);
        this.defaultModels = defaultModels;
    }

    @Override public String name() { return delegate.name(); }
    @Override public String type() { return delegate.type(); }
    @Override public Set<Capability> capabilities() { return delegate.capabilities(); }
    @Override public List<ModelInfo> listModels() { return delegate.listModels(); }
    @Override public boolean isModelAvailable(String model) { return delegate.isModelAvailable(model); }

    @Override
    public ChatResponse chat(ChatRequest request) {
        Call call = start(GenAi.CHAT, requestModel(request), chatAttributes(request, false), request);
        ChatResponse response;
        try (Scope ignored = call.span().makeCurrent()) {
            response = delegate.chat(request);
        } catch (RuntimeException | Error e) {
            call.failed(e);
            throw e;
        }
        call.answered(response);
        return response;
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        Call call = start(GenAi.CHAT, requestModel(request), chatAttributes(request, true), request);
        ChatStream stream;
        try (Scope ignored = call.span().makeCurrent()) {
            stream = delegate.stream(request);
        } catch (RuntimeException | Error e) {
            call.failed(e);
            throw e;
        }
        return new TracedChatStream(stream, call, level == Level.ROUTE);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request) {
        Call call = start(GenAi.EMBEDDINGS, request.model(), Attributes.empty(), null);
        EmbeddingResponse response;
        try (Scope ignored = call.span().makeCurrent()) {
            response = delegate.embed(request);
        } catch (RuntimeException | Error e) {
            call.failed(e);
            throw e;
        }
        call.embedded(response);
        return response;
    }

    /** A route closes nothing of its targets; a wrapped target is closed by the Switchboard that created it. */
    @Override
    public void close() {
        if (level == Level.ROUTE) {
            delegate.close();
        }
    }

    @Override
    public String toString() {
        return "traced " + delegate;
    }

    private String requestModel(ChatRequest request) {
        return request.model().orElseGet(() -> defaultModels.get(delegate.name()));
    }

    private static Attributes chatAttributes(ChatRequest request, boolean stream) {
        AttributesBuilder a = Attributes.builder();
        if (stream) {
            a.put(GenAi.REQUEST_STREAM, true);
        }
        request.temperature().ifPresent(t -> a.put(GenAi.REQUEST_TEMPERATURE, t));
        request.topP().ifPresent(p -> a.put(GenAi.REQUEST_TOP_P, p));
        request.maxOutputTokens().ifPresent(n -> a.put(GenAi.REQUEST_MAX_TOKENS, (long) n));
        request.seed().ifPresent(s -> a.put(GenAi.REQUEST_SEED, s));
        if (!request.stop().isEmpty()) {
            a.put(GenAi.REQUEST_STOP_SEQUENCES, request.stop());
        }
        request.responseFormat().ifPresent(f -> a.put(GenAi.OUTPUT_TYPE, f instanceof ResponseFormat.Text ? "text" : "json"));
        return a.build();
    }

    private Call start(String operation, String model, Attributes extra, ChatRequest request) {
        SpanBuilder b = telemetry.tracer()
                .spanBuilder(model == null ? operation : operation + " " + model)
                .setSpanKind(level == Level.ATTEMPT ? SpanKind.CLIENT : SpanKind.INTERNAL)
                .setAttribute(GenAi.OPERATION_NAME, operation)
                .setAttribute(GenAi.ROUTE, route)
                .setAllAttributes(extra);
        if (model != null) {
            b.setAttribute(GenAi.REQUEST_MODEL, model);
        }
        if (level == Level.ATTEMPT) {
            b.setAttribute(GenAi.PROVIDER_NAME, GenAi.providerName(delegate.type()))
                    .setAttribute(GenAi.PROVIDER, delegate.name());
        } else {
            // The route's own provider name until a target answers (then that target's).
            b.setAttribute(GenAi.PROVIDER_NAME, "switchboard");
        }
        Span span = b.startSpan();
        if (request != null && level == Level.ATTEMPT && telemetry.capturesContent()) {
            String system = ContentJson.systemInstructions(request);
            if (!system.isEmpty()) {
                span.setAttribute(GenAi.SYSTEM_INSTRUCTIONS, system);
            }
            span.setAttribute(GenAi.INPUT_MESSAGES, ContentJson.inputMessages(request));
        }
        return new Call(span, operation, model, System.nanoTime());
    }

    /** One traced call: its span and what its metrics need. Ends at most once. */
    final class Call {
        private final Span span;
        private final String operation;
        private final String requestModel;
        private final long startNanos;
        private boolean ended;

        Call(Span span, String operation, String requestModel, long startNanos) {
            this.span = span;
            this.operation = operation;
            this.requestModel = requestModel;
            this.startNanos = startNanos;
        }

        Span span() {
            return span;
        }

        long startNanos() {
            return startNanos;
        }

        synchronized void answered(ChatResponse r) {
            if (ended) {
                return;
            }
            span.setAttribute(GenAi.RESPONSE_ID, r.id());
            span.setAttribute(GenAi.RESPONSE_MODEL, r.model());
            span.setAttribute(GenAi.RESPONSE_FINISH_REASONS, List.of(GenAi.finishReason(r.finishReason())));
            usage(r.usage());
            if (level == Level.ROUTE) {
                span.setAttribute(GenAi.PROVIDER_NAME, GenAi.providerName(targetTypes.getOrDefault(r.provider(), r.provider())));
                span.setAttribute(GenAi.PROVIDER, r.provider());
                trail(r.attempts());
            } else if (telemetry.capturesContent()) {
                span.setAttribute(GenAi.OUTPUT_MESSAGES, ContentJson.outputMessages(r));
            }
            end(r.model(), r.usage(), null);
        }

        synchronized void embedded(EmbeddingResponse r) {
            if (ended) {
                return;
            }
            span.setAttribute(GenAi.RESPONSE_MODEL, r.model());
            span.setAttribute(GenAi.USAGE_INPUT_TOKENS, r.usage().inputTokens());
            if (level == Level.ROUTE) {
                span.setAttribute(GenAi.PROVIDER_NAME, GenAi.providerName(targetTypes.getOrDefault(r.provider(), r.provider())));
                span.setAttribute(GenAi.PROVIDER, r.provider());
                trail(r.attempts());
            }
            end(r.model(), r.usage(), null);
        }

        synchronized void failed(Throwable failure) {
            if (ended) {
                return;
            }
            String type = GenAi.errorType(failure);
            span.setAttribute(GenAi.ERROR_TYPE, type);
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
            if (level == Level.ROUTE && failure instanceof LlmException e) {
                trail(e.attempts());
            }
            end(null, null, type);
        }

        /** The stream was closed before it ended: the span ends without an answer or an error. */
        synchronized void abandoned(List<Attempt> attempts) {
            if (ended) {
                return;
            }
            if (level == Level.ROUTE) {
                trail(attempts);
            }
            end(null, null, null);
        }

        synchronized void firstChunk(long nanos) {
            if (!ended) {
                span.setAttribute(GenAi.RESPONSE_TIME_TO_FIRST_CHUNK, (nanos - startNanos) / 1e9);
            }
        }

        private void usage(Usage u) {
            span.setAttribute(GenAi.USAGE_INPUT_TOKENS, u.inputTokens());
            span.setAttribute(GenAi.USAGE_OUTPUT_TOKENS, u.outputTokens());
            if (u.cachedInputTokens() > 0) {
                span.setAttribute(GenAi.USAGE_CACHE_READ_INPUT_TOKENS, u.cachedInputTokens());
            }
            if (u.reasoningTokens() > 0) {
                span.setAttribute(GenAi.USAGE_REASONING_OUTPUT_TOKENS, u.reasoningTokens());
            }
        }

        private void trail(List<Attempt> attempts) {
            if (!attempts.isEmpty()) {
                span.setAttribute(GenAi.ATTEMPT_OUTCOMES, attempts.stream()
                        .map(a -> a.provider() + ":" + a.outcome().name().toLowerCase(java.util.Locale.ROOT))
                        .collect(Collectors.joining(",")));
            }
        }

        /** Ends the span; a try (not the route, which would count it twice) is measured too. */
        private void end(String responseModel, Usage usage, String errorType) {
            ended = true;
            span.end();
            if (level != Level.ATTEMPT) {
                return;
            }
            AttributesBuilder a = Attributes.builder()
                    .put(GenAi.OPERATION_NAME, operation)
                    .put(GenAi.PROVIDER_NAME, GenAi.providerName(delegate.type()));
            if (requestModel != null) {
                a.put(GenAi.REQUEST_MODEL, requestModel);
            }
            if (responseModel != null && !responseModel.isEmpty()) {
                a.put(GenAi.RESPONSE_MODEL, responseModel);
            }
            if (errorType != null) {
                a.put(GenAi.ERROR_TYPE, errorType);
            }
            Attributes common = a.build();
            telemetry.duration().record((System.nanoTime() - startNanos) / 1e9, common);
            if (usage != null) {
                telemetry.tokens().record(usage.inputTokens(), common.toBuilder().put(GenAi.TOKEN_TYPE, "input").build());
                if (operation.equals(GenAi.CHAT)) {
                    telemetry.tokens().record(usage.outputTokens(), common.toBuilder().put(GenAi.TOKEN_TYPE, "output").build());
                }
            }
        }
    }
}
