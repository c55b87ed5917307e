package dev.switchboard.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Content;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Timeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The provider-neutral contract every Switchboard provider keeps, as a JUnit 5 class to extend. The suite runs a
 * WireMock server on the loopback interface, asks the subclass for a provider pointed at it, has the subclass stub
 * its own wire format for a handful of scenarios, and checks what callers and the router rely on: text, finish
 * reason and usage from {@code chat()} and {@code stream()} alike; streams that close idempotently, give their
 * connection back, and fail as {@link ErrorKind#STREAM_INTERRUPTED} when cut; errors of the right
 * {@link ErrorKind}, with status and retry hint, on one line, naming the provider and never showing the API key;
 * assembled tool calls; for each {@link Capability} (streaming, tools, images, JSON and JSON-schema output,
 * embeddings, model listing): that it works on the wire where {@link LlmProvider#capabilities()} declares it, and
 * that it is refused with {@link ErrorKind#UNSUPPORTED}, naming the provider, before any request where it does not.
 *
 * <h2>Using it for a provider</h2>
 * <pre>{@code
 * class AcmeContractTest extends ProviderContractTest {
 *     @Override
 *     protected LlmProvider createProvider(Target target) {
 *         ProviderSettings settings = target.settings("acme").model("acme-small").embeddingModel("acme-embed").build();
 *         return new AcmeProviderFactory().create(settings, target.context());
 *     }
 *
 *     @Override
 *     protected void stubChat(WireMockServer server, String text, Usage usage) {
 *         server.stubFor(post("/v1/chat").willReturn(okJson(acmeAnswer(text, usage))));
 *     }
 *     // ... the other stub methods
 * }
 * }</pre>
 *
 * <p>Rules for the stub methods: each is called on a server with no other stubs, so a stub may match on the path
 * alone; it must answer the way the real API does, with the real API's JSON shapes (see {@link Sse} and
 * {@link Ndjson} for streamed bodies and {@link Fixtures} for documented examples). The optional scenarios
 * ({@link #stubStream}, {@link #stubStreamCutAfterFirstPiece}, {@link #stubToolCalls}, {@link #stubEmbeddings},
 * {@link #stubModels}) are only called when the provider declares the matching {@link Capability}; otherwise the
 * suite checks that the operation is refused.
 *
 * <p>One server and one {@link HttpTransport} serve the whole class; each test gets a fresh provider and a reset
 * server, and fails if it leaves an HTTP connection leased. The provider must therefore make its calls through the
 * transport of {@link Target#context()} (as {@code HttpProviderClient} does), not a client of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ProviderContractTest {

    /** The key the provider under test is given. It must never appear in an exception message. */
    public static final String API_KEY = "test-key-not-real-contract";

    /** The configured name the provider under test is given. */
    public static final String PROVIDER_NAME = "contract-under-test";

    /** Short timeouts so a mis-stubbed scenario fails fast instead of hanging. */
    public static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));

    private static final Usage USAGE = Usage.of(17, 9);
    private static final List<String> PIECES = List.of("Hel", "lo, ", "wörld", " \uD83C\uDF0D!");
    private static final String TEXT = String.join("", PIECES);
    private static final ChatRequest REQUEST = ChatRequest.builder().system("Answer briefly.").user("Say hello.").build();

    private WireMockServer server;
    private HttpTransport transport;
    private LlmProvider provider;
    private int leasedBefore;

    /**
     * Where and how the provider under test must be set up.
     *
     * @param name    the configured name to give the provider
     * @param baseUrl the stub server's root, e.g. {@code http://127.0.0.1:51234}, without a trailing slash; append
     *                your API's path prefix (such as {@code /v1}) if your stubs use one
     * @param apiKey  the key to configure
     * @param context the shared HTTP transport and clock to create the provider with
     */
    public record Target(String name, String baseUrl, String apiKey, ProviderContext context) {

        /** Settings with this target's name, base URL, key and short {@link ProviderContractTest#TIMEOUTS}; add model names. */
        public ProviderSettings.Builder settings(String type) {
            return ProviderSettings.builder(name, type).baseUrl(baseUrl).apiKey(apiKey).timeouts(TIMEOUTS);
        }
    }

    // ------------------------------------------------------------------------------------------- the SPI

    /**
     * Creates the provider under test, configured with the target's name, base URL and key, the shared context, a
     * default chat model, and a default embedding model if it embeds.
     */
    protected abstract LlmProvider createProvider(Target target);

    /** Stubs a non-streamed answer: {@code text}, a natural stop, and {@code usage}. */
    protected abstract void stubChat(WireMockServer server, String text, Usage usage);

    /**
     * Stubs a streamed answer: each of {@code pieces} as its own text event, in order, then a natural stop, the
     * {@code usage}, and the API's end of stream. Called only when the provider declares {@link Capability#STREAMING}.
     */
    protected void stubStream(WireMockServer server, List<String> pieces, Usage usage) {
        throw new UnsupportedOperationException("the provider declares STREAMING: override stubStream");
    }

    /**
     * Stubs a stream that breaks: the first of {@code pieces} arrives as a text event, then the body ends without the
     * rest and without the API's end of stream (or, for an API whose streams end when the connection closes, with a
     * transport fault). Called only when the provider declares {@link Capability#STREAMING}.
     */
    protected void stubStreamCutAfterFirstPiece(WireMockServer server, List<String> pieces) {
        throw new UnsupportedOperationException("the provider declares STREAMING: override stubStreamCutAfterFirstPiece");
    }

    /**
     * Stubs a failure of chat and streamed chat alike: HTTP {@code status} with {@code headers} and the API's own error
     * body for that status (for 404: the model does not exist), carrying {@code message} where the API puts its human
     * text. The message deliberately contains the API key and a line break.
     */
    protected abstract void stubError(WireMockServer server, int status, Map<String, String> headers, String message);

    /**
     * Stubs an answer that calls {@code calls}, in order, with a tool-calls finish: in one response, or, when
     * {@code streamed}, as the API streams calls (arguments in more than one fragment where the API does that). Called
     * only when the provider declares {@link Capability#TOOLS}.
     */
    protected void stubToolCalls(WireMockServer server, List<ToolCall> calls, boolean streamed) {
        throw new UnsupportedOperationException("the provider declares TOOLS: override stubToolCalls");
    }

    /**
     * Stubs an embeddings answer with one vector per input, in input order. Called only when the provider declares
     * {@link Capability#EMBEDDINGS}.
     */
    protected void stubEmbeddings(WireMockServer server, List<float[]> vectors) {
        throw new UnsupportedOperationException("the provider declares EMBEDDINGS: override stubEmbeddings");
    }

    /** Stubs a model list naming {@code ids}. Called only when the provider declares {@link Capability#MODEL_LISTING}. */
    protected void stubModels(WireMockServer server, List<String> ids) {
        throw new UnsupportedOperationException("the provider declares MODEL_LISTING: override stubModels");
    }

    /**
     * Whether the API gives tool calls ids of its own, so the stubbed ids must come back unchanged. Override to
     * return false for an API without call ids; the provider must then make up distinct ones.
     */
    protected boolean toolCallIdsComeFromTheWire() {
        return true;
    }

    // ------------------------------------------------------------------------------------------- lifecycle

    @BeforeAll
    void startServer() {
        server = new WireMockServer(WireMockConfiguration.wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        transport = HttpTransport.create();
    }

    @AfterAll
    void stopServer() {
        if (transport != null) {
            transport.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @BeforeEach
    void createProviderUnderTest() {
        server.resetAll();
        // A baseline, so a connection leaked by one test fails that test and not every later one.
        leasedBefore = transport.leasedConnections();
        Target target = new Target(PROVIDER_NAME, "http://127.0.0.1:" + server.port(), API_KEY, ProviderContext.of(transport));
        provider = Objects.requireNonNull(createProvider(target), "createProvider returned null");
    }

    /**
     * The schemas of the provider's request bodies; every body a contract test sent is checked against them after the
     * test. None by default: a provider with a published spec overrides this (see {@link RequestSchema}).
     */
    protected RequestSchemas requestSchemas() {
        return RequestSchemas.none();
    }

    @AfterEach
    void closeProviderAndCheckConnections() {
        requestSchemas().check(server.getAllServeEvents().stream().map(e -> e.getRequest()).toList());
        provider.close();
        assertThat(transport.leasedConnections()).as("HTTP connections still leased after the test").isEqualTo(leasedBefore);
    }

    /** The stub server, for subclasses that add provider-specific tests. */
    protected final WireMockServer server() {
        return server;
    }

    /** The provider under test. */
    protected final LlmProvider provider() {
        return provider;
    }

    // ------------------------------------------------------------------------------------------- identity

    @Test
    public void nameIsTheConfiguredOneAndTypeIsRegisteredByExactlyOneFactory() {
        assertThat(provider.name()).isEqualTo(PROVIDER_NAME);
        assertThat(provider.type()).matches("[a-z0-9][a-z0-9-]*");
        List<String> registered = new ArrayList<>();
        for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class)) {
            if (f.type().equals(provider.type())) {
                registered.add(f.getClass().getName());
            }
        }
        assertThat(registered).as("ProviderFactory services on the class path with type '%s'", provider.type()).hasSize(1);
        assertThat(provider.capabilities()).contains(Capability.CHAT);
    }

    // ------------------------------------------------------------------------------------------- chat and stream

    @Test
    public void chatReturnsTheTextAStopAndTheUsage() {
        stubChat(server, TEXT, USAGE);

        ChatResponse response = provider.chat(REQUEST);

        assertThat(response.text()).isEqualTo(TEXT);
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(USAGE);
        assertThat(response.toolCalls()).isEmpty();
        assertThat(response.provider()).isEqualTo(PROVIDER_NAME);
    }

    @Test
    public void streamYieldsTextDeltasThatJoinToTheText() {
        assumeCapability(Capability.STREAMING);
        stubStream(server, PIECES, USAGE);

        List<ChatEvent> events = new ArrayList<>();
        try (ChatStream stream = provider.stream(REQUEST)) {
            assertThat(stream.provider()).isEqualTo(PROVIDER_NAME);
            stream.forEachRemaining(events::add);
        }

        List<String> texts = texts(events);
        assertThat(texts).as("text deltas").hasSizeGreaterThan(1);
        assertThat(String.join("", texts)).isEqualTo(TEXT);
        assertThat(events).filteredOn(ChatEvent.Finished.class::isInstance)
                .singleElement().extracting(e -> ((ChatEvent.Finished) e).reason()).isEqualTo(FinishReason.STOP);
        assertThat(lastUsage(events)).isEqualTo(USAGE);
    }

    @Test
    public void collectedStreamEqualsTheChatAnswer() {
        assumeCapability(Capability.STREAMING);
        stubChat(server, TEXT, USAGE);
        ChatResponse chat = provider.chat(REQUEST);
        server.resetAll();
        stubStream(server, PIECES, USAGE);

        ChatResponse collected = provider.stream(REQUEST).collect();

        assertThat(collected.text()).isEqualTo(chat.text());
        assertThat(collected.finishReason()).isEqualTo(chat.finishReason());
        assertThat(collected.usage()).isEqualTo(chat.usage());
        assertThat(collected.toolCalls()).isEqualTo(chat.toolCalls());
        assertThat(collected.provider()).isEqualTo(chat.provider());
    }

    @Test
    public void closingAStreamEarlyReleasesItsConnectionAndIsIdempotent() {
        assumeCapability(Capability.STREAMING);
        stubStream(server, PIECES, USAGE);

        ChatStream stream = provider.stream(REQUEST);
        assertThat(stream.hasNext()).isTrue();
        stream.next();
        assertThat(transport.leasedConnections()).as("connections leased by an open stream").isEqualTo(leasedBefore + 1);

        stream.close();
        stream.close();

        assertThat(transport.leasedConnections()).as("connections leased after close()").isEqualTo(leasedBefore);
        assertThat(stream.hasNext()).as("hasNext() after close()").isFalse();
    }

    @Test
    public void aStreamCutMidwayFailsAsInterruptedAfterItsFirstPiece() {
        assumeCapability(Capability.STREAMING);
        stubStreamCutAfterFirstPiece(server, PIECES);

        List<ChatEvent> events = new ArrayList<>();
        LlmException e;
        try (ChatStream stream = provider.stream(REQUEST)) {
            e = catchThrowableOfType(LlmException.class, () -> stream.forEachRemaining(events::add));
        }

        assertThat(e).as("failure of a cut stream").isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(e.provider()).isEqualTo(PROVIDER_NAME);
        assertThat(String.join("", texts(events))).isEqualTo(PIECES.get(0));
    }

    @Test
    public void collectingACutStreamFailsRatherThanReturningAPartialAnswer() {
        assumeCapability(Capability.STREAMING);
        stubStreamCutAfterFirstPiece(server, PIECES);

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider.stream(REQUEST).collect());

        assertThat(e).as("collect() of a cut stream").isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
    }

    @Test
    public void streamsAreRefusedBeforeAnyRequestWhenNotDeclared() {
        Assumptions.assumeFalse(provider.capabilities().contains(Capability.STREAMING), "the provider streams");

        assertRefusedWithoutARequest(() -> provider.stream(REQUEST), "a stream from a provider without STREAMING");
    }

    // ------------------------------------------------------------------------------------------- errors

    Stream<Arguments> errorCases() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean streamed : new boolean[] {false, true}) {
            cases.add(Arguments.of(401, Map.of(), ErrorKind.AUTHENTICATION, null, streamed));
            cases.add(Arguments.of(429, Map.of("retry-after", "2"), ErrorKind.RATE_LIMIT, Duration.ofSeconds(2), streamed));
            cases.add(Arguments.of(500, Map.of(), ErrorKind.SERVER, null, streamed));
            cases.add(Arguments.of(404, Map.of(), ErrorKind.MODEL_NOT_FOUND, null, streamed));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}, retry after {3}, streamed={4}")
    @MethodSource("errorCases")
    public void anErrorStatusBecomesItsKindOnOneLineWithoutTheKey(int status, Map<String, String> headers,
                                                                  ErrorKind kind, Duration retryAfter, boolean streamed) {
        if (streamed) {
            assumeCapability(Capability.STREAMING);
        }
        stubError(server, status, headers, "Rejected the key " + API_KEY + " for this call.\nSee the documentation.");

        LlmException e = streamed ? streamFailure() : catchThrowableOfType(LlmException.class, () -> provider.chat(REQUEST));

        assertThat(e).as("failure for HTTP %d", status).isNotNull();
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.status()).hasValue(status);
        assertThat(e.provider()).isEqualTo(PROVIDER_NAME);
        if (retryAfter != null) {
            assertThat(e.retryAfter()).hasValue(retryAfter);
        }
        assertThat(e.getMessage())
                .contains(PROVIDER_NAME)
                .doesNotContain(API_KEY)
                .doesNotContain("\n")
                .doesNotContain("\r");
    }

    private LlmException streamFailure() {
        return catchThrowableOfType(LlmException.class, () -> {
            try (ChatStream stream = provider.stream(REQUEST)) {
                stream.forEachRemaining(e -> { });
            }
        });
    }

    // ------------------------------------------------------------------------------------------- tool calls

    private static final List<ToolDefinition> TOOLS = List.of(
            ToolDefinition.of("get_weather", "Current weather in a city",
                    "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
                            + "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\"]}"),
            ToolDefinition.of("get_time", "Current time in a time zone",
                    "{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\"}},\"required\":[\"zone\"]}"));

    private static final List<ToolCall> CALLS = List.of(
            new ToolCall("call_contract_1", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}"),
            new ToolCall("call_contract_2", "get_time", "{\"zone\":\"Europe/Paris\"}"));

    private static final ChatRequest TOOL_REQUEST =
            ChatRequest.builder().user("Weather and time in Paris?").tools(TOOLS).build();

    @Test
    public void toolCallsFromChatComeBackAssembled() {
        assumeCapability(Capability.TOOLS);
        stubToolCalls(server, CALLS, false);

        ChatResponse response = provider.chat(TOOL_REQUEST);

        assertToolCalls(response);
    }

    @Test
    public void toolCallsFromAStreamComeBackAssembled() {
        assumeCapability(Capability.TOOLS);
        assumeCapability(Capability.STREAMING);
        stubToolCalls(server, CALLS, true);

        ChatResponse response = provider.stream(TOOL_REQUEST).collect();

        assertToolCalls(response);
    }

    @Test
    public void toolRequestsAreRefusedBeforeAnyRequestWhenNotDeclared() {
        Assumptions.assumeFalse(provider.capabilities().contains(Capability.TOOLS), "the provider calls tools");

        assertRefusedWithoutARequest(() -> provider.chat(TOOL_REQUEST), "a tools request to a provider without TOOLS");
    }

    private void assertToolCalls(ChatResponse response) {
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        List<ToolCall> calls = response.toolCalls();
        assertThat(calls).hasSameSizeAs(CALLS);
        for (int i = 0; i < CALLS.size(); i++) {
            assertThat(calls.get(i).name()).isEqualTo(CALLS.get(i).name());
            assertThat(calls.get(i).argumentsAsMap()).isEqualTo(CALLS.get(i).argumentsAsMap());
            assertThat(calls.get(i).id()).isNotBlank();
            if (toolCallIdsComeFromTheWire()) {
                assertThat(calls.get(i).id()).isEqualTo(CALLS.get(i).id());
            }
        }
        assertThat(new HashSet<>(calls.stream().map(ToolCall::id).toList())).as("distinct call ids").hasSameSizeAs(calls);
    }

    // ------------------------------------------------------------------------------------------- images, JSON output

    /** A 1x1 transparent PNG: small, real, and its base64 text is what every image-taking API carries. */
    private static final String PNG_BASE64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    private static final ChatRequest IMAGE_REQUEST = ChatRequest.builder()
            .addMessage(Message.user(Content.text("What is in this picture?"), Content.imageBase64("image/png", PNG_BASE64)))
            .build();

    private static final ChatRequest JSON_REQUEST =
            ChatRequest.builder().user("Say hello as a JSON object.").responseFormat(new ResponseFormat.JsonObject()).build();

    /** The schema's property name is unusual on purpose: finding it in the request body shows the schema was sent. */
    private static final ChatRequest JSON_SCHEMA_REQUEST = ChatRequest.builder().user("Say hello as a JSON object.")
            .responseFormat(ResponseFormat.jsonSchema("greeting", "{\"type\":\"object\",\"properties\":"
                    + "{\"contract_greeting_text\":{\"type\":\"string\"}},\"required\":[\"contract_greeting_text\"]}"))
            .build();

    @Test
    public void anImageIsSentAndAnsweredWhenVisionIsDeclared() {
        assumeCapability(Capability.VISION);
        stubChat(server, TEXT, USAGE);

        ChatResponse response = provider.chat(IMAGE_REQUEST);

        assertThat(response.text()).isEqualTo(TEXT);
        server.verify(1, anyRequestedFor(anyUrl()).withRequestBody(containing(PNG_BASE64)));
    }

    @Test
    public void imagesAreRefusedBeforeAnyRequestWhenNotDeclared() {
        Assumptions.assumeFalse(provider.capabilities().contains(Capability.VISION), "the provider takes images");

        assertRefusedWithoutARequest(() -> provider.chat(IMAGE_REQUEST), "an image to a provider without VISION");
    }

    @Test
    public void jsonOutputIsAskedForAndAnsweredWhenDeclared() {
        assumeCapability(Capability.JSON_OUTPUT);
        stubChat(server, TEXT, USAGE);

        ChatResponse response = provider.chat(JSON_REQUEST);

        assertThat(response.text()).isEqualTo(TEXT);
        server.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    public void jsonOutputIsRefusedBeforeAnyRequestWhenNotDeclared() {
        Assumptions.assumeFalse(provider.capabilities().contains(Capability.JSON_OUTPUT), "the provider answers in JSON");

        assertRefusedWithoutARequest(() -> provider.chat(JSON_REQUEST), "JSON output from a provider without JSON_OUTPUT");
    }

    @Test
    public void aJsonSchemaIsSentAndAnsweredWhenDeclared() {
        assumeCapability(Capability.JSON_SCHEMA_OUTPUT);
        stubChat(server, TEXT, USAGE);

        ChatResponse response = provider.chat(JSON_SCHEMA_REQUEST);

        assertThat(response.text()).isEqualTo(TEXT);
        server.verify(1, anyRequestedFor(anyUrl()).withRequestBody(containing("contract_greeting_text")));
    }

    @Test
    public void jsonSchemaOutputIsRefusedBeforeAnyRequestWhenNotDeclared() {
        Assumptions.assumeFalse(provider.capabilities().contains(Capability.JSON_SCHEMA_OUTPUT),
                "the provider follows JSON schemas");

        assertRefusedWithoutARequest(() -> provider.chat(JSON_SCHEMA_REQUEST),
                "schema output from a provider without JSON_SCHEMA_OUTPUT");
    }

    // ------------------------------------------------------------------------------------------- embeddings, models

    @Test
    public void embeddingsComeBackOnePerInputInOrder() {
        assumeCapability(Capability.EMBEDDINGS);
        List<float[]> vectors = List.of(new float[] {0.125f, -0.25f, 0.5f}, new float[] {-0.75f, 1.0f, 0.0625f});
        stubEmbeddings(server, vectors);

        EmbeddingResponse response = provider.embed(EmbeddingRequest.of("first text", "second text"));

        assertThat(response.embeddings()).hasSize(2);
        assertThat(response.vector(0)).containsExactly(vectors.get(0));
        assertThat(response.vector(1)).containsExactly(vectors.get(1));
        assertThat(response.provider()).isEqualTo(PROVIDER_NAME);
    }

    @Test
    public void embeddingsAreRefusedBeforeAnyRequestWhenNotDeclared() {
        Assumptions.assumeFalse(provider.capabilities().contains(Capability.EMBEDDINGS), "the provider embeds");

        assertRefusedWithoutARequest(() -> provider.embed(EmbeddingRequest.of("text")),
                "embeddings from a provider without EMBEDDINGS");
    }

    @Test
    public void modelListNamesTheOfferedModels() {
        assumeCapability(Capability.MODEL_LISTING);
        stubModels(server, List.of("model-a", "model-b"));

        List<ModelInfo> models = provider.listModels();

        assertThat(models).extracting(ModelInfo::id).containsExactly("model-a", "model-b");
        assertThat(models).extracting(ModelInfo::provider).containsOnly(PROVIDER_NAME);
    }

    @Test
    public void modelListingIsRefusedBeforeAnyRequestWhenNotDeclared() {
        Assumptions.assumeFalse(provider.capabilities().contains(Capability.MODEL_LISTING), "the provider lists models");

        assertRefusedWithoutARequest(() -> provider.listModels(), "a model list from a provider without MODEL_LISTING");
    }

    // ------------------------------------------------------------------------------------------- helpers

    /**
     * {@code call} fails with {@link ErrorKind#UNSUPPORTED}, on one line naming the provider, and nothing reached the
     * server: a provider refuses what its {@link LlmProvider#capabilities()} leave out before it sends anything.
     */
    private void assertRefusedWithoutARequest(Runnable call, String what) {
        LlmException e = catchThrowableOfType(LlmException.class, call::run);

        assertThat(e).as(what).isNotNull();
        assertThat(e.kind()).as(what).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(e.provider()).isEqualTo(PROVIDER_NAME);
        assertThat(e.getMessage()).contains(PROVIDER_NAME).doesNotContain("\n");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    private void assumeCapability(Capability capability) {
        Assumptions.assumeTrue(provider.capabilities().contains(capability), "the provider does not declare " + capability);
    }

    private static List<String> texts(List<ChatEvent> events) {
        List<String> texts = new ArrayList<>();
        for (ChatEvent e : events) {
            if (e instanceof ChatEvent.TextDelta t) {
                texts.add(t.text());
            }
        }
        return texts;
    }

    private static Usage lastUsage(List<ChatEvent> events) {
        Usage usage = null;
        for (ChatEvent e : events) {
            if (e instanceof ChatEvent.UsageReport u) {
                usage = u.usage();
            }
        }
        return usage;
    }
}
