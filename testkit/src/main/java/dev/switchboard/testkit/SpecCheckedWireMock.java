package dev.switchboard.testkit;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.List;

/**
 * A loopback WireMock extension that, after each test, checks every request body the provider sent against the
 * {@link RequestSchemas} of its endpoints: a body with a field the provider's spec does not define, or without one
 * it requires, fails the test. Register it where a {@link WireMockExtension} would go:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final WireMockExtension server = SpecCheckedWireMock.of(RequestSchemas.builder()
 *         .schema("POST", "/v1/chat/completions", "schemas/openai-chat-request.json").build());
 * }</pre>
 */
public final class SpecCheckedWireMock extends WireMockExtension {

    private final RequestSchemas schemas;

    private SpecCheckedWireMock(WireMockExtension.Builder options, RequestSchemas schemas) {
        super(options);
        this.schemas = schemas;
    }

    /** A server on 127.0.0.1 and a free port whose requests are checked against {@code schemas}. */
    public static SpecCheckedWireMock of(RequestSchemas schemas) {
        return new SpecCheckedWireMock(WireMockExtension.newInstance()
                .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()), schemas);
    }

    public RequestSchemas schemas() {
        return schemas;
    }

    @Override
    protected void onAfterEach(WireMockRuntimeInfo info) {
        List<ServeEvent> events = getAllServeEvents();
        schemas.check(events.stream().map(ServeEvent::getRequest).toList());
    }
}
