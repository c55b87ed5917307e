package dev.switchboard.runtime;

import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Embedding;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.Usage;
import dev.switchboard.spi.AbstractChatStream;
import dev.switchboard.spi.ChatAccumulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A fake provider that answers from a script: each call takes the next {@link Step} (the last one repeats). chat()
 * folds the step's events the way a stream's collect() does, so the two agree. Thread-safe.
 */
final class ScriptedProvider implements LlmProvider {

    /**
     * What one call does.
     *
     * @param failure   thrown when the call is made (stream: when it is opened)
     * @param events    the answer's events
     * @param failAfter thrown after the events (chat: instead of answering)
     */
    record Step(RuntimeException failure, List<ChatEvent> events, RuntimeException failAfter) {

        static Step answer(String text) {
            return new Step(null, answerEvents(text), null);
        }

        static Step events(ChatEvent... events) {
            return new Step(null, List.of(events), null);
        }

        static Step fail(RuntimeException e) {
            return new Step(e, List.of(), null);
        }

        static Step failAfter(RuntimeException e, ChatEvent... events) {
            return new Step(null, List.of(events), e);
        }
    }

    static List<ChatEvent> answerEvents(String text) {
        return List.of(new ChatEvent.Started("id-" + text.length(), "served-model"), new ChatEvent.TextDelta(text),
                new ChatEvent.Finished(FinishReason.STOP, "stop"), new ChatEvent.UsageReport(Usage.of(5, 7)));
    }

    private final String name;
    private final ManualClock clock;
    private final Set<Capability> capabilities;
    private final List<Step> script = new ArrayList<>();
    private volatile Function<String, Step> byModel;
    private volatile Duration latency = Duration.ZERO;
    private volatile Runnable onCall = () -> {};
    private volatile List<String> models = List.of();
    private volatile RuntimeException listFailure;
    private int next;
    private volatile boolean closed;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> requestedModels = new CopyOnWriteArrayList<>();
    private final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private final List<ScriptedStream> streams = new CopyOnWriteArrayList<>();

    ScriptedProvider(String name, ManualClock clock, Set<Capability> capabilities) {
        this.name = name;
        this.clock = clock;
        this.capabilities = Set.copyOf(capabilities);
    }

    ScriptedProvider(String name, ManualClock clock) {
        this(name, clock, Set.of(Capability.CHAT, Capability.STREAMING, Capability.EMBEDDINGS, Capability.MODEL_LISTING));
    }

    /** Appends steps to the script. */
    synchronized ScriptedProvider then(Step... steps) {
        script.addAll(List.of(steps));
        return this;
    }

    ScriptedProvider answering(String text) {
        return then(Step.answer(text));
    }

    ScriptedProvider failing(ErrorKind kind) {
        return then(Step.fail(Errors.error(kind, name)));
    }

    ScriptedProvider failing(RuntimeException e) {
        return then(Step.fail(e));
    }

    /** Decides the step by the requested model instead of the script. */
    ScriptedProvider byModel(Function<String, Step> responder) {
        this.byModel = responder;
        return this;
    }

    /** How long each call takes on the clock. */
    ScriptedProvider latency(Duration latency) {
        this.latency = latency;
        return this;
    }

    /** Runs at the start of every call, before the step; may block. */
    ScriptedProvider onCall(Runnable hook) {
        this.onCall = hook;
        return this;
    }

    ScriptedProvider models(String... ids) {
        this.models = List.of(ids);
        return this;
    }

    ScriptedProvider listFailure(RuntimeException e) {
        this.listFailure = e;
        return this;
    }

    @Override
    public void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }

    int calls() {
        return calls.get();
    }

    List<String> requestedModels() {
        return List.copyOf(requestedModels);
    }

    /** Every chat and stream request received, in order. */
    List<ChatRequest> requests() {
        return List.copyOf(requests);
    }

    List<ScriptedStream> streams() {
        return List.copyOf(streams);
    }

    private Step call(String model) {
        calls.incrementAndGet();
        requestedModels.add(String.valueOf(model));
        onCall.run();
        clock.advance(latency);
        Function<String, Step> responder = byModel;
        if (responder != null) {
            return responder.apply(model);
        }
        synchronized (this) {
            if (script.isEmpty()) {
                throw new IllegalStateException(name + " has no script");
            }
            Step step = script.get(Math.min(next, script.size() - 1));
            next++;
            return step;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "scripted";
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        requests.add(request);
        String model = request.model().orElse(null);
        Step step = call(model);
        if (step.failure() != null) {
            throw step.failure();
        }
        if (step.failAfter() != null) {
            throw step.failAfter();
        }
        ChatAccumulator acc = new ChatAccumulator();
        step.events().forEach(acc::accept);
        return acc.toResponse(name, model, RateLimits.NONE, List.of());
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        requests.add(request);
        String model = request.model().orElse(null);
        Step step = call(model);
        if (step.failure() != null) {
            throw step.failure();
        }
        ScriptedStream s = new ScriptedStream(name, model, step.events(), step.failAfter());
        streams.add(s);
        return s;
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request) {
        Step step = call(request.model());
        if (step.failure() != null) {
            throw step.failure();
        }
        List<Embedding> out = new ArrayList<>();
        for (int i = 0; i < request.inputs().size(); i++) {
            out.add(new Embedding(i, new float[] {i, name.length()}));
        }
        return EmbeddingResponse.builder().embeddings(out).model(request.model()).provider(name)
                .usage(Usage.of(request.inputs().size(), 0)).build();
    }

    @Override
    public List<ModelInfo> listModels() {
        calls.incrementAndGet();
        if (listFailure != null) {
            throw listFailure;
        }
        List<ModelInfo> out = new ArrayList<>();
        for (String id : models) {
            out.add(ModelInfo.of(id, name));
        }
        return out;
    }

    /** A scripted stream that records how often it was closed. */
    static final class ScriptedStream extends AbstractChatStream {
        private final Iterator<ChatEvent> events;
        private final RuntimeException failAfter;
        private final AtomicInteger releases = new AtomicInteger();

        ScriptedStream(String provider, String model, List<ChatEvent> events, RuntimeException failAfter) {
            super(provider, model);
            this.events = events.iterator();
            this.failAfter = failAfter;
        }

        @Override
        protected boolean fetch() {
            if (events.hasNext()) {
                emit(events.next());
                return true;
            }
            if (failAfter != null) {
                throw failAfter;
            }
            return false;
        }

        @Override
        protected void release(boolean completed) {
            releases.incrementAndGet();
        }

        boolean closed() {
            return releases.get() > 0;
        }

        int releases() {
            return releases.get();
        }
    }
}
