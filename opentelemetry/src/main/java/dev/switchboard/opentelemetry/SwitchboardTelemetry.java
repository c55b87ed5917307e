package dev.switchboard.opentelemetry;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.runtime.InboundContext;
import dev.switchboard.runtime.ProviderManager;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.TargetDecorator;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenTelemetry spans and metrics of Switchboard calls, after the GenAI semantic conventions (version 1.41.0),
 * through {@code opentelemetry-api} only: with no SDK installed they cost next to nothing and go nowhere.
 *
 * <ul>
 *   <li>Each call a route makes to a provider (every try: first calls, retries, fallbacks) is a {@code CLIENT} span
 *       named {@code chat {model}} (or {@code embeddings {model}}) with {@code gen_ai.operation.name},
 *       {@code gen_ai.provider.name}, {@code gen_ai.request.*}, {@code gen_ai.response.id/model/finish_reasons},
 *       {@code gen_ai.usage.*} and, when it failed, {@code error.type} and an error status; and it is measured in
 *       the {@code gen_ai.client.operation.duration} (seconds) and {@code gen_ai.client.token.usage} ({@code
 *       {token}}) histograms. These come from {@link #targetDecorator()}.</li>
 *   <li>A route wrapped with {@link #route(ProviderManager)} adds one {@code INTERNAL} span per call, the parent of
 *       its tries, so a fallback shows in a trace as one call with two children. It carries {@code
 *       switchboard.route} and {@code switchboard.attempts} (each try's provider and outcome, skips included).</li>
 *   <li>Prompts and answers ({@code gen_ai.input.messages}, {@code gen_ai.output.messages},
 *       {@code gen_ai.system_instructions}) are recorded only when {@code switchboard.telemetry.capture-content =
 *       true} (or {@link Builder#captureContent(boolean)}).</li>
 * </ul>
 *
 * <pre>{@code
 * SwitchboardTelemetry telemetry = SwitchboardTelemetry.create(GlobalOpenTelemetry.get());
 * Switchboard sb = telemetry.build(Switchboard.builder().config(Path.of("switchboard.conf")));
 * LlmProvider route = telemetry.route(sb.route("default"));
 * }</pre>
 *
 * Thread-safe.
 */
public final class SwitchboardTelemetry {

    static final String INSTRUMENTATION_NAME = "dev.switchboard";

    private final Tracer tracer;
    private final InboundContext inboundContext;
    private final DoubleHistogram duration;
    private final LongHistogram tokens;
    private final Boolean captureContentSet;
    private volatile boolean captureContent;

    private SwitchboardTelemetry(OpenTelemetry openTelemetry, Boolean captureContent) {
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
        this.inboundContext = new TraceContextEntry(openTelemetry);
        Meter meter = openTelemetry.getMeter(INSTRUMENTATION_NAME);
        this.duration = meter.histogramBuilder(GenAi.OPERATION_DURATION).setUnit("s")
                .setDescription("GenAI operation duration.")
                .setExplicitBucketBoundariesAdvice(GenAi.DURATION_BUCKETS).build();
        this.tokens = meter.histogramBuilder(GenAi.TOKEN_USAGE).ofLongs().setUnit("{token}")
                .setDescription("Number of input and output tokens used.")
                .setExplicitBucketBoundariesAdvice(GenAi.TOKEN_BUCKETS).build();
        this.captureContentSet = captureContent;
        this.captureContent = captureContent != null && captureContent;
    }

    /** Telemetry through {@code openTelemetry}; content capture as the configuration says (off by default). */
    public static SwitchboardTelemetry create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(openTelemetry);
    }

    /**
     * Builds {@code switchboard} with {@link #targetDecorator()} and {@link #inboundContext()} installed, then reads {@code switchboard.telemetry}
     * from its configuration (unless content capture was set on the builder).
     *
     * @throws dev.switchboard.runtime.SwitchboardConfigException for a bad {@code switchboard.telemetry} block, too
     */
    public Switchboard build(Switchboard.Builder switchboard) {
        Map<String, String> defaultModels = new ConcurrentHashMap<>();
        Switchboard sb = switchboard.targetDecorator(targetDecorator(defaultModels)).inboundContext(inboundContext)
                .build();
        // A request that names no model goes to the provider's own: the tries' spans name it too (chat gpt-4o-mini).
        for (String provider : sb.providerNames()) {
            sb.defaultModel(provider).ifPresent(model -> defaultModels.put(provider, model));
        }
        if (captureContentSet == null) {
            try {
                captureContent = TelemetrySettings.read(sb.config()).captureContent();
            } catch (RuntimeException e) {
                sb.close();
                throw e;
            }
        }
        return sb;
    }

    /** Wraps each route target so that every try is a span and a measurement; see the class comment. */
    public TargetDecorator targetDecorator() {
        return targetDecorator(Map.of());
    }

    /** {@code defaultModels}: each provider's configured chat model by provider name, for requests naming none. */
    private TargetDecorator targetDecorator(Map<String, String> defaultModels) {
        return (route, provider) -> new TracedProvider(this, TracedProvider.Level.ATTEMPT, route, provider,
                Map.of(), defaultModels);
    }

    /**
     * Continues a gateway caller's trace: the {@code traceparent} and {@code tracestate} of a request (read by the
     * OpenTelemetry instance's propagators, or the W3C trace context when it has none) make the spans of the route's
     * tries children of the caller's span. {@link #build} installs it.
     */
    public InboundContext inboundContext() {
        return inboundContext;
    }

    /** {@code route} with a parent span per call; pass calls through the returned provider. */
    public LlmProvider route(ProviderManager route) {
        Objects.requireNonNull(route, "route");
        Map<String, String> types = new HashMap<>();
        for (ProviderManager.Target t : route.targets()) {
            types.put(t.provider().name(), t.provider().type());
        }
        return new TracedProvider(this, TracedProvider.Level.ROUTE, route.name(), route, types, Map.of());
    }

    /** Whether prompts and answers are recorded on spans. */
    public boolean capturesContent() {
        return captureContent;
    }

    Tracer tracer() {
        return tracer;
    }

    DoubleHistogram duration() {
        return duration;
    }

    LongHistogram tokens() {
        return tokens;
    }

    /** Builds a {@link SwitchboardTelemetry}. Not thread-safe. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private Boolean captureContent;

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
        }

        /** Records prompts and answers on spans, or not, whatever {@code switchboard.telemetry.capture-content} says. */
        public Builder captureContent(boolean capture) {
            this.captureContent = capture;
            return this;
        }

        public SwitchboardTelemetry build() {
            return new SwitchboardTelemetry(openTelemetry, captureContent);
        }
    }
}
