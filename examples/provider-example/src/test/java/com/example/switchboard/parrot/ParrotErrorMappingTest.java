package com.example.switchboard.parrot;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.testkit.ErrorMappingTest;
import dev.switchboard.testkit.Fixtures;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each error the Parrot API documents (fixtures/parrot/errors, and this module's README) becomes the kind routes
 * decide on, with the reason as its code and the retry hint from {@code Retry-After} or {@code retry_in_seconds},
 * from chat and streamed chat alike.
 */
class ParrotErrorMappingTest extends ErrorMappingTest {

    private static final String NAME = "parrot-errors";
    private static final String KEY = "pk-test-key-not-real-errors";

    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()).build();

    ParrotErrorMappingTest() {
        super(NAME, KEY);
    }

    @Override
    protected Stream<DocumentedError> documentedErrors() {
        return Stream.of(
                new DocumentedError("401-bad-key.json", 401, Map.of(), ErrorKind.AUTHENTICATION, null).withCode("bad_key"),
                new DocumentedError("402-out-of-credit.json", 402, Map.of(), ErrorKind.QUOTA, null)
                        .withCode("out_of_credit").withRetryable(false),
                new DocumentedError("404-no-such-model.json", 404, Map.of(), ErrorKind.MODEL_NOT_FOUND, null),
                // a 400 is an invalid request by its status; the reason tells the two that a route may fall back on
                new DocumentedError("400-too-many-tokens.json", 400, Map.of(), ErrorKind.CONTEXT_LENGTH, null),
                new DocumentedError("400-blocked.json", 400, Map.of(), ErrorKind.CONTENT_FILTER, null),
                new DocumentedError("429-slow-down.json", 429, Map.of("Parrot-Quota-Remaining", "0"), ErrorKind.RATE_LIMIT,
                        Duration.ofSeconds(12)).withCode("slow_down").withRetryable(true),
                // Retry-After, when a proxy in front of Parrot sends one, wins over the body's hint
                new DocumentedError("429-slow-down.json", 429, Map.of("Retry-After", "30"), ErrorKind.RATE_LIMIT,
                        Duration.ofSeconds(30)),
                new DocumentedError("503-overloaded.json", 503, Map.of(), ErrorKind.OVERLOADED, Duration.ofMillis(1500)),
                new DocumentedError("500-internal.json", 500, Map.of(), ErrorKind.SERVER, null).withRetryable(true),
                // not Parrot's own body: a proxy's page, mapped by its status
                new DocumentedError("502-proxy.html", 502, Map.of(), ErrorKind.SERVER, null));
    }

    @Override
    protected LlmProvider provider() {
        return new ParrotProviderFactory().create(
                ParrotStubs.settings(NAME, server.baseUrl(), "").apiKey(KEY).build(), ProviderContext.of(transport()));
    }

    @Override
    protected void stubChat(ResponseDefinitionBuilder answer) {
        server.stubFor(post(urlPathEqualTo(ParrotStubs.GENERATE)).willReturn(answer));
    }

    @Override
    protected String errorBody(String fixture) {
        return Fixtures.load("fixtures/parrot/errors/" + fixture);
    }
}
