package dev.switchboard.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code bin/switchboard} of the unpacked distribution. Tests that change the distribution work on a
 * copy in their own temporary directory; the others only read it.
 */
class DistributionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "test-key-not-real-dist";
    private static final List<String> BUNDLED = List.of("openai", "groq", "together", "azure-openai", "ollama",
            "anthropic", "gemini", "cohere", "huggingface", "replicate", "openai-compatible");
    /** The providers the shipped conf/switchboard.conf configures: one per bundled type. */
    private static final List<String> CONFIGURED = List.of("openai", "groq", "together", "azure-openai", "ollama",
            "anthropic", "gemini", "cohere", "huggingface", "replicate", "local-openai");

    @TempDir
    Path tmp;

    private Path work;
    private OpenAiSseStub stub;

    @BeforeEach
    void setUp() throws IOException {
        work = Files.createDirectories(tmp.resolve("work"));
        stub = new OpenAiSseStub();
    }

    @AfterEach
    void tearDown() {
        stub.close();
    }

    private Launcher launcher(Path home) {
        return new Launcher(home, work);
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    private static JsonNode type(JsonNode providersJson, String type) {
        for (JsonNode t : providersJson.path("types")) {
            if (t.path("type").asText().equals(type)) {
                return t;
            }
        }
        throw new AssertionError("no type " + type + " in " + providersJson.path("types"));
    }

    @Test
    void printsItsVersion() {
        // when
        Launcher.Result r = launcher(Launcher.BUILT).run("--version");

        // then
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("switchboard " + Launcher.VERSION + "\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void runsThroughASymlinkFromAnotherDirectory() throws IOException {
        // given a link in an unrelated directory, pointing at a link to the launcher
        Path links = Files.createDirectories(tmp.resolve("links"));
        Path first = Files.createSymbolicLink(links.resolve("sb-inner"), Launcher.BUILT.resolve("bin/switchboard"));
        Path outer = Files.createSymbolicLink(links.resolve("switchboard"), Path.of("sb-inner"));

        // when
        Launcher.Result r = launcher(Launcher.BUILT).runScript(outer, "providers", "--json");
        Files.delete(outer);
        Files.delete(first); // (so the temp dir cleanup meets no link to outside it)

        // then it found its installation: the bundled plugins and conf/switchboard.conf
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("\"azure-openai\"", Launcher.BUILT.resolve("conf/switchboard.conf").toString());
    }

    @Test
    void listsEveryBundledProviderFromItsPluginFolder() throws IOException {
        // when
        Launcher.Result r = launcher(Launcher.BUILT).run("providers", "--json");

        // then
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode json = json(r.out());
        for (String name : BUNDLED) {
            JsonNode t = type(json, name);
            assertThat(t.path("origin").asText()).as(name).isEqualTo("plugin");
            assertThat(Path.of(t.path("source").asText()).getParent()).as(name).isEqualTo(Launcher.BUILT.resolve("plugins"));
            assertThat(t.path("version").asText()).as(name).isEqualTo(Launcher.VERSION);
        }
        assertThat(json.path("types")).hasSize(BUNDLED.size());
        assertThat(json.path("problems")).isEmpty();
        // the shipped config: every bundled provider configured, keys reported as not set rather than failing
        List<String> configured = new ArrayList<>();
        json.path("providers").forEach(p -> configured.add(p.path("name").asText()));
        assertThat(configured).containsExactlyInAnyOrderElementsOf(CONFIGURED);
        json.path("providers").forEach(p -> assertThat(p.path("keySet").asBoolean()).isFalse());
        assertThat(json.path("routes").get(0).path("targets").get(0).asText()).isEqualTo("ollama");
    }

    @Test
    void theShippedConfigPassesTheCheckAsIs() {
        // when
        Launcher.Result r = launcher(Launcher.BUILT).run("config", "check");

        // then
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith(Launcher.BUILT.resolve("conf/switchboard.conf") + " (from the distribution): OK, "
                + "11 providers, 2 routes");
    }

    @Test
    void streamsTheAnswerOfTheSecondTargetWhenTheFirstRefusesTheConnection() {
        // given a route whose first provider points at a closed loopback port, named by SWITCHBOARD_CONFIG
        Path config = Launcher.write(tmp.resolve("fallback.conf"),
                "switchboard {",
                "  providers {",
                "    down { type = openai, base-url = \"http://127.0.0.1:" + OpenAiSseStub.closedPort() + "/v1\" }",
                "    up { type = openai, base-url = \"" + stub.baseUrl() + "\", model = \"stub-model\" }",
                "  }",
                "  routes.default { targets = [down, up], retry.max-retries = 0 }",
                "}");
        Launcher launcher = launcher(Launcher.BUILT);
        launcher.env.put("SWITCHBOARD_CONFIG", config.toString());
        launcher.env.put("OPENAI_API_KEY", KEY);

        // when
        Launcher.Result r = launcher.run("chat", "What's", "the", "weather?");

        // then
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo(stub.answerText() + "\n");
        assertThat(r.err()).containsSubsequence("fallback: down failed: CONNECTION", "answered by up")
                .doesNotContain(KEY);
        assertThat(stub.requests()).singleElement().satisfies(req -> {
            assertThat(req.authorization()).isEqualTo("Bearer " + KEY);
            assertThat(req.body()).contains("\"stream\":true", "What's the weather?");
        });
    }

    @Test
    void serveStartsTheGatewayOverTheRoutesAndStopsOnSigterm() throws Exception {
        // given a provider answering on a local stub, and the gateway on a free port
        Path config = Launcher.write(tmp.resolve("serve.conf"),
                "switchboard {",
                "  providers.up { type = openai, base-url = \"" + stub.baseUrl() + "\", model = \"stub-model\" }",
                "  routes.default { targets = [up] }",
                "}");
        // a copy: the launcher's default data dir is inside the distribution, and this run's usage must not stay in
        // the one the build made (it is what benchmarks and trials copy)
        Launcher launcher = launcher(Launcher.copyOfBuilt(tmp.resolve("dist")));
        launcher.env.remove("SWITCHBOARD_DATA_DIR"); // the launcher's default, in the copy
        launcher.env.put("SWITCHBOARD_CONFIG", config.toString());
        launcher.env.put("OPENAI_API_KEY", KEY);
        Process serve = launcher.start("serve", "--port", "0");
        try {
            java.io.BufferedReader err = new java.io.BufferedReader(
                    new java.io.InputStreamReader(serve.getErrorStream(), java.nio.charset.StandardCharsets.UTF_8));
            String listening = err.readLine();
            assertThat(listening).as("first line on standard error").startsWith("switchboard: gateway listening on http://127.0.0.1:")
                    .as("where the dashboard is and where the state is kept (the launcher's default data dir)")
                    .containsPattern("; default route: default\\); dashboard http://127\\.0\\.0\\.1:\\d+/ui; state: embedded in \\S+/data$");
            String baseUrl = listening.replaceFirst(".*listening on (\\S+).*", "$1");

            // when an OpenAI-style client streams a chat through the default route
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpResponse<String> answer = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(baseUrl + "/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"default\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());

            // then the stub's answer comes back as OpenAI SSE, and SIGTERM stops the process
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("x-switchboard-provider")).hasValue("up");
            assertThat(answer.body()).contains("chat.completion.chunk").endsWith("data: [DONE]\n\n");
            // SIGTERM through the process handle: Process.destroy would also close our end of its standard error
            serve.toHandle().destroy();
            java.util.concurrent.CompletableFuture<String> rest = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> err.lines().collect(java.util.stream.Collectors.joining("\n")));
            assertThat(serve.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
            assertThat(serve.exitValue()).isIn(0, 143);
            // The client has [DONE] before the gateway has counted the stream finished (HttpCore releases the exchange
            // after its last bytes are written), so SIGTERM may find it still in flight: then shutdown waits for it, and it
            // ends within the grace, never abandoned.
            assertThat(rest.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .containsPattern("switchboard: gateway stopping: [01] requests in flight")
                    .contains("switchboard: gateway stopped").doesNotContain("were ended with an error");
        } finally {
            serve.destroyForcibly();
        }
    }

    /**
     * The gateway as shipped keeps its accounting in data/ (the embedded backend): killed with SIGKILL while four
     * clients stream through it, then started again, it reports every call that had answered its client, and at most
     * the calls then in flight more, never more than the upstream served; the route's budget spending equals the
     * recorded cost.
     */
    @Test
    void aGatewayKilledMidTrafficKeepsItsUsageAndSpendingAcrossTheRestart() throws Exception {
        Path data = tmp.resolve("data");
        Path config = Launcher.write(tmp.resolve("kill.conf"),
                "switchboard {",
                "  providers.up { type = openai, base-url = \"" + stub.baseUrl() + "\", model = \"stub-model\" }",
                "  routes.default { targets = [up], budget { amount = 1000000, period = 30d } }",
                "}");
        Launcher launcher = launcher(Launcher.BUILT);
        launcher.env.put("SWITCHBOARD_CONFIG", config.toString());
        launcher.env.put("SWITCHBOARD_DATA_DIR", data.toString());
        launcher.env.put("OPENAI_API_KEY", KEY);
        int clients = 4;
        java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();
        Process first = launcher.start("serve", "--port", "0");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        try {
            String baseUrl = listeningOn(first);
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    while (!stop.get()) {
                        try {
                            java.net.http.HttpResponse<String> r = http.send(streamRequest(baseUrl),
                                    java.net.http.HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200 && r.body().endsWith("data: [DONE]\n\n")) {
                                answered.incrementAndGet();
                            }
                        } catch (IOException e) {
                            return null; // the gateway is gone
                        }
                    }
                    return null;
                });
            }
            while (answered.get() < 60) {
                Thread.sleep(10);
            }
            first.toHandle().destroyForcibly(); // SIGKILL: the launcher exec'd the JVM, so this is the gateway
            assertThat(first.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
            first.destroyForcibly();
        }
        long upstream = stub.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).count();

        Process second = launcher.start("serve", "--port", "0");
        try {
            String baseUrl = listeningOn(second);
            java.net.http.HttpResponse<String> usage = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + "/usage")).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(usage.statusCode()).as(usage.body()).isEqualTo(200);
            com.fasterxml.jackson.databind.JsonNode u = json(usage.body());
            long recorded = u.path("total").path("requests").asLong();
            assertThat(recorded).as(usage.body()).isBetween(answered.get(), upstream);
            assertThat(upstream - answered.get()).as("calls in flight at the kill").isLessThanOrEqualTo(clients);
            assertThat(u.path("total").path("cost_usd").decimalValue()).isPositive();
            assertThat(u.path("budgets").path("routes").path("default").path("spent_usd").decimalValue())
                    .isEqualByComparingTo(u.path("total").path("cost_usd").decimalValue());
        } finally {
            second.toHandle().destroy();
            second.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            second.destroyForcibly();
        }
    }

    private static java.net.http.HttpRequest streamRequest(String baseUrl) {
        return java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + "/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"default\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .build();
    }

    /** The base URL of a starting {@code serve}, from its first line on standard error. */
    private static String listeningOn(Process serve) throws IOException {
        java.io.BufferedReader err = new java.io.BufferedReader(
                new java.io.InputStreamReader(serve.getErrorStream(), java.nio.charset.StandardCharsets.UTF_8));
        String listening = err.readLine();
        assertThat(listening).as("first line on standard error").startsWith("switchboard: gateway listening on");
        Thread drain = new Thread(() -> err.lines().forEach(l -> { }));
        drain.setDaemon(true);
        drain.start();
        return listening.replaceFirst(".*listening on (\\S+).*", "$1");
    }

    @Test
    void configCheckNamesTheKeyAndLineOfABrokenFile() {
        // given
        Path config = Launcher.write(tmp.resolve("broken.conf"),
                "switchboard {",
                "  providers.openai {}",
                "  routes.default {",
                "    targets = [openai, nobody]",
                "  }",
                "}");

        // when
        Launcher.Result r = launcher(Launcher.BUILT).run("--config", config.toString(), "config", "check");

        // then
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).contains(config + ":4: switchboard.routes.default.targets", "nobody");
        assertThat(r.err()).startsWith("switchboard: " + config).doesNotContain("\tat ");
    }

    @Test
    void theExamplePluginInPluginsExampleIsListedAndAnswers() throws IOException {
        // given a copy of the distribution with the example plugin dropped in, and the Parrot API it speaks
        Path home = Launcher.copyOfBuilt(tmp.resolve("dist"));
        Path pluginDir = Files.createDirectories(home.resolve("plugins/example"));
        Files.copy(exampleJar(), pluginDir.resolve(exampleJar().getFileName()));
        Launcher launcher = launcher(home);
        try (ParrotStub parrot = new ParrotStub()) {
            Launcher.write(work.resolve("switchboard.conf"),
                    "switchboard {",
                    "  providers.polly { type = parrot, base-url = \"" + parrot.baseUrl() + "\", api-key = \"" + KEY + "\" }",
                    "  routes.default.targets = [polly]",
                    "}");

            // when
            Launcher.Result listed = launcher.run("providers", "--json");
            Launcher.Result chat = launcher.run("chat", "Hello");

            // then
            assertThat(listed.exitCode()).as(listed.toString()).isZero();
            JsonNode t = type(json(listed.out()), "parrot");
            assertThat(t.path("origin").asText()).isEqualTo("plugin");
            assertThat(t.path("source").asText()).isEqualTo(pluginDir.toString());
            assertThat(chat.exitCode()).as(chat.toString()).isZero();
            assertThat(chat.out()).isEqualTo(ParrotStub.ANSWER + "\n");
            assertThat(chat.err()).contains("answered by polly");
            assertThat(parrot.requests()).containsExactly(new ParrotStub.Request("/v2/generate", KEY));
        }
    }

    @Test
    void aProviderJarOnTheClassPathIsFoundToo() throws IOException {
        // given the example plugin in lib/ instead of a plugin folder
        Path home = Launcher.copyOfBuilt(tmp.resolve("dist"));
        Files.copy(exampleJar(), home.resolve("lib").resolve(exampleJar().getFileName()));

        // when
        Launcher.Result r = launcher(home).run("providers", "--json");

        // then
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode t = type(json(r.out()), "parrot");
        assertThat(t.path("origin").asText()).isEqualTo("classpath");
        assertThat(t.path("source").asText()).isEqualTo(home.resolve("lib").resolve(exampleJar().getFileName()).toString());
    }

    @Test
    void twoPluginsCarryingDifferentVersionsOfOneLibraryEachUseTheirOwn() throws IOException {
        // given plugins a and b, each with its own build of library class demo.Lib (versions 1 and 2)
        Path home = Launcher.copyOfBuilt(tmp.resolve("dist"));
        List<Path> api = PluginJars.libJars(home);
        installPlugin(home, "a", "1", api);
        installPlugin(home, "b", "2", api);
        Launcher launcher = launcher(home);
        Launcher.write(work.resolve("switchboard.conf"),
                "switchboard {",
                "  providers { a { type = lib-a }, b { type = lib-b } }",
                "  routes.default.targets = [a, b]",
                "}");

        // when
        Launcher.Result modelsA = launcher.run("models", "--provider", "a", "--json");
        Launcher.Result modelsB = launcher.run("models", "--provider", "b", "--json");
        Launcher.Result chatA = launcher.run("chat", "--provider", "a", "--no-stream", "Which version?");
        Launcher.Result chatB = launcher.run("chat", "--provider", "b", "--no-stream", "Which version?");

        // then
        assertThat(json(modelsA.out()).path("providers").get(0).path("models").get(0).path("id").asText())
                .as(modelsA.toString()).isEqualTo("demo-lib-1");
        assertThat(json(modelsB.out()).path("providers").get(0).path("models").get(0).path("id").asText())
                .as(modelsB.toString()).isEqualTo("demo-lib-2");
        assertThat(chatA.out()).as(chatA.toString()).isEqualTo("demo.Lib version 1\n");
        assertThat(chatB.out()).as(chatB.toString()).isEqualTo("demo.Lib version 2\n");
    }

    @Test
    void serveGetsServerJvmOptionsAndOtherCommandsTheQuickStartOnes() throws IOException {
        // given a Java 17 whose java prints the options it was started with, one a line, up to the class path
        Path jdk = fakeJdk("jdk17", "JAVA_VERSION=\"17.0.15\"",
                "for a; do [ \"$a\" = -cp ] && exit 0; echo \"$a\"; done");
        Launcher launcher = launcher(Launcher.BUILT);
        launcher.env.put("JAVA_HOME", jdk.toString());

        // when
        List<String> serve = launcher.run("serve").out().lines().toList();
        List<String> serveAfterOptions = launcher.run("--verbose", "--config", "serve", "serve").out().lines().toList();
        List<String> chat = launcher.run("--config", "serve", "chat", "serve").out().lines().toList();
        launcher.env.put("JAVA_OPTS", "-Xmx1g -XX:TieredStopAtLevel=1");
        List<String> serveWithJavaOpts = launcher.run("serve").out().lines().toList();
        launcher.env.put("JAVA_OPTS", "-XX:+UseG1GC");
        List<String> serveWithAnotherCollector = launcher.run("serve").out().lines().toList();

        // then serve runs with the full JIT and the parallel collector; a command keeps C1 only
        assertThat(serve).contains("-XX:+UseParallelGC", "-XX:-UsePSAdaptiveSurvivorSizePolicy", "-XX:SurvivorRatio=6",
                "-Xmx256m").noneMatch(o -> o.startsWith("-XX:TieredStopAtLevel"));
        assertThat(serveAfterOptions).isEqualTo(serve);
        assertThat(chat).contains("-XX:TieredStopAtLevel=1").doesNotContain("-XX:+UseParallelGC");
        // and JAVA_OPTS come after the defaults, so the JVM takes them (the last of a repeated option wins)
        assertThat(serveWithJavaOpts.subList(serveWithJavaOpts.indexOf("-Xmx256m"), serveWithJavaOpts.size()))
                .containsSubsequence("-Xmx256m", "-Xmx1g", "-XX:TieredStopAtLevel=1");
        // and a collector named there replaces the server's, since the JVM refuses two
        assertThat(serveWithAnotherCollector).contains("-XX:+UseG1GC", "-Xmx256m")
                .doesNotContain("-XX:+UseParallelGC", "-XX:-UsePSAdaptiveSurvivorSizePolicy", "-XX:SurvivorRatio=6");
    }

    @Test
    void saysClearlyWhenJavaIsTooOld() throws IOException {
        // given a JAVA_HOME whose release file says Java 11 (its java would run, if started, and say nothing)
        Path jdk = fakeJdk("jdk11", "JAVA_VERSION=\"11.0.2\"", "exit 0");
        Launcher launcher = launcher(Launcher.BUILT);
        launcher.env.put("JAVA_HOME", jdk.toString());

        // when
        Launcher.Result r = launcher.run("--version");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("switchboard: " + jdk.resolve("bin/java")
                + " is Java 11, but Switchboard needs Java 17 or newer: set JAVA_HOME to a newer installation\n");
    }

    @Test
    void asksTheJvmForItsVersionWhenThereIsNoReleaseFile() throws IOException {
        // given a Java 8 layout without release file: the launcher falls back to `java -version`
        Path jdk = fakeJdk("jre8", null, "echo 'java version \"1.8.0_392\"' >&2");
        Launcher launcher = launcher(Launcher.BUILT);
        launcher.env.put("JAVA_HOME", jdk.toString());

        // when
        Launcher.Result r = launcher.run("--version");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("is Java 8, but Switchboard needs Java 17 or newer");
    }

    @Test
    void saysClearlyWhenThereIsNoJavaAtAll() throws IOException {
        // given neither JAVA_HOME nor a java on the PATH (only the tools the script uses)
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("dirname", "sed", "ls", "readlink", "head")) {
            Path real = Path.of("/usr/bin", tool);
            Files.createSymbolicLink(bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
        }
        Launcher launcher = launcher(Launcher.BUILT);
        launcher.env.remove("JAVA_HOME");
        launcher.env.put("PATH", bin.toString());

        // when
        Launcher.Result r = launcher.run("--version");
        try (Stream<Path> links = Files.list(bin)) {
            for (Path link : links.toList()) {
                Files.delete(link);
            }
        }

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("switchboard: no Java found: install Java 17 or newer and put it on the PATH, "
                + "or set JAVA_HOME\n");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static Path exampleJar() throws IOException {
        Path dir = Path.of(System.getProperty("switchboard.example.plugin"));
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("switchboard-provider-example")).findFirst()
                    .orElseThrow(() -> new AssertionError("no example plugin jar in " + dir));
        }
    }

    /** plugins/<name>/ with demo-lib.jar (demo.Lib at {@code version}) and a factory of type lib-<name> using it. */
    private void installPlugin(Path home, String name, String version, List<Path> api) throws IOException {
        Path lib = PluginJars.build(tmp, "demo-lib-" + version, Map.of("demo.Lib",
                "package demo;\n"
                        + "public final class Lib {\n"
                        // A method, not a constant: javac would copy a constant into the caller.
                        + "    public static String version() { return \"" + version + "\"; }\n"
                        + "}\n"), api, Map.of());
        List<Path> classPath = new ArrayList<>(api);
        classPath.add(lib);
        String pkg = "plugin" + name;
        Path plugin = PluginJars.build(tmp, "plugin-" + name, Map.of(
                pkg + ".Factory", factorySource(pkg, "lib-" + name),
                pkg + ".VersionProvider", providerSource(pkg)), classPath,
                Map.of("META-INF/services/dev.switchboard.spi.ProviderFactory", pkg + ".Factory\n"));
        Path dir = Files.createDirectories(home.resolve("plugins").resolve(name));
        Files.copy(lib, dir.resolve("demo-lib.jar"));
        Files.copy(plugin, dir.resolve("plugin-" + name + ".jar"));
    }

    private static String factorySource(String pkg, String type) {
        return "package " + pkg + ";\n"
                + "import dev.switchboard.api.LlmProvider;\n"
                + "import dev.switchboard.spi.*;\n"
                + "public final class Factory implements ProviderFactory {\n"
                + "    public String type() { return \"" + type + "\"; }\n"
                + "    public LlmProvider create(ProviderSettings s, ProviderContext c) {\n"
                + "        return new VersionProvider(s.name(), type());\n"
                + "    }\n"
                + "}\n";
    }

    /** A provider that answers every chat, and lists one model, naming the demo.Lib version it sees. */
    private static String providerSource(String pkg) {
        return "package " + pkg + ";\n"
                + "import dev.switchboard.api.*;\n"
                + "import java.util.*;\n"
                + "final class VersionProvider implements LlmProvider {\n"
                + "    private final String name, type;\n"
                + "    VersionProvider(String name, String type) { this.name = name; this.type = type; }\n"
                + "    public String name() { return name; }\n"
                + "    public String type() { return type; }\n"
                + "    public Set<Capability> capabilities() { return EnumSet.of(Capability.CHAT, Capability.MODEL_LISTING); }\n"
                + "    public ChatResponse chat(ChatRequest r) {\n"
                + "        return ChatResponse.builder().id(\"id\").model(\"demo\").provider(name)\n"
                + "                .message(Message.assistant(\"demo.Lib version \" + demo.Lib.version()))\n"
                + "                .finishReason(FinishReason.STOP).rawFinishReason(\"stop\").build();\n"
                + "    }\n"
                + "    public ChatStream stream(ChatRequest r) { throw LlmException.unsupported(name, \"streaming\"); }\n"
                + "    public List<ModelInfo> listModels() { return List.of(ModelInfo.of(\"demo-lib-\" + demo.Lib.version(), name)); }\n"
                + "    public void close() {}\n"
                + "}\n";
    }

    /** A directory shaped like a Java installation: bin/java running {@code javaBody}, and a release file if given. */
    private Path fakeJdk(String name, String releaseLine, String javaBody) throws IOException {
        Path jdk = Files.createDirectories(tmp.resolve(name));
        Path java = Launcher.write(jdk.resolve("bin/java"), "#!/bin/sh", javaBody);
        java.toFile().setExecutable(true);
        if (releaseLine != null) {
            Launcher.write(jdk.resolve("release"), releaseLine);
        }
        return jdk;
    }
}
