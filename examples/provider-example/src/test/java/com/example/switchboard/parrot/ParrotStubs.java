package com.example.switchboard.parrot;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import dev.switchboard.spi.ProviderSettings;
import java.util.List;

/**
 * What the tests need of the Parrot API: its answers built as the API documents them (this module's README, and the
 * fixtures under {@code fixtures/parrot/}), and provider settings as a user's block gives them.
 */
final class ParrotStubs {

    static final String GENERATE = "/v2/generate";
    static final String MODELS = "/v2/models";
    static final String MODEL = "parrot-small";

    private ParrotStubs() {}

    /** The type's defaults from the plugin's own reference.conf, as the runtime merges them under a user's block. */
    static Config defaults() {
        return ConfigFactory.parseResources(ParrotStubs.class.getClassLoader(), "reference.conf")
                .getConfig("switchboard.provider-defaults.parrot");
    }

    /** Settings of a block {@code name} of type parrot at {@code baseUrl}, with {@code ownKeys} over the defaults. */
    static ProviderSettings.Builder settings(String name, String baseUrl, String ownKeys) {
        return ProviderSettings.builder(name, "parrot").baseUrl(baseUrl).model(MODEL)
                .options(ConfigFactory.parseString(ownKeys).withFallback(defaults()).root().unwrapped());
    }

    /** A whole generation: {@code text}, the tool {@code calls}, the {@code stop} reason and the token counts. */
    static String generation(String text, List<ToolCall> calls, String stop, Usage usage) {
        ObjectNode body = Json.object().put("generation_id", "gen_test").put("model", MODEL);
        ObjectNode output = body.putObject("output").put("text", text);
        ArrayNode callsNode = output.putArray("calls");
        calls.forEach(c -> callsNode.add(call(c)));
        body.put("stop", stop).set("tokens", tokens(usage));
        return body.toString();
    }

    /** A call as the answer's {@code output.calls} and the stream's {@code call} event both carry it. */
    static ObjectNode call(ToolCall c) {
        ObjectNode call = Json.object().put("call_id", c.id()).put("tool", c.name());
        call.set("input", Json.parse(c.arguments(), "arguments"));
        return call;
    }

    static String begin() {
        return Json.object().put("generation_id", "gen_test").put("model", MODEL).toString();
    }

    static String text(String piece) {
        return Json.object().put("text", piece).toString();
    }

    static String done(String stop, Usage usage) {
        ObjectNode done = Json.object().put("stop", stop);
        done.set("tokens", tokens(usage));
        return done.toString();
    }

    /** An error body, or with {@code retryInSeconds} >= 0 one carrying that hint. */
    static String fault(String reason, String detail, double retryInSeconds) {
        ObjectNode fault = Json.object().put("reason", reason).put("detail", detail);
        if (retryInSeconds >= 0) {
            fault.put("retry_in_seconds", retryInSeconds);
        }
        return Json.object().set("fault", fault).toString();
    }

    private static ObjectNode tokens(Usage usage) {
        return Json.object().put("in", usage.inputTokens()).put("out", usage.outputTokens());
    }
}
