package com.example.switchboard.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiCompatibleProviderFactoryTest {

    private final HttpTransport transport = HttpTransport.create();
    private final ProviderContext context = ProviderContext.of(transport);

    @AfterEach
    void closeTransport() {
        transport.close();
    }

    private static ProviderSettings.Builder settings() {
        return ProviderSettings.builder("local-llm", "openai-style").config(OpenAiCompatibleContractTest.defaults());
    }

    @Test
    void refusesABlockWithoutBaseUrlNamingTheKey() {
        assertThatThrownBy(() -> new OpenAiCompatibleProviderFactory().create(settings().build(), context))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("switchboard.providers.local-llm.base-url is not set");
    }

    @Test
    void refusesAnUnknownCapabilityNamingTheKey() {
        ProviderSettings s = settings().baseUrl("http://127.0.0.1:9/v1")
                .config(ConfigFactory.parseString("capabilities = [chat, telepathy]")).build();

        assertThatThrownBy(() -> new OpenAiCompatibleProviderFactory().create(s, context))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("switchboard.providers.local-llm.capabilities");
    }

    @Test
    void offersWhatTheReferenceDefaultsList() {
        try (LlmProvider p = new OpenAiCompatibleProviderFactory().create(settings().baseUrl("http://127.0.0.1:9/v1").build(), context)) {
            assertThat(p.type()).isEqualTo("openai-style");
            assertThat(p.capabilities()).contains(Capability.CHAT, Capability.STREAMING, Capability.TOOLS,
                    Capability.EMBEDDINGS, Capability.MODEL_LISTING).doesNotContain(Capability.VISION);
        }
    }

    @Test
    void asksForAKeyOnlyWhenOneIsConfigured() {
        // given a block naming a key variable that is not set
        ProviderSettings s = settings().baseUrl("http://127.0.0.1:9/v1").model("m").apiKeyEnv("EXAMPLE_TEST_KEY").build();

        // when
        try (LlmProvider p = new OpenAiCompatibleProviderFactory().create(s, context)) {
            LlmException e = org.assertj.core.api.Assertions.catchThrowableOfType(LlmException.class,
                    () -> p.chat(ChatRequest.of("Hi")));

            // then it fails before sending anything, naming the variable
            assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
            assertThat(e.getMessage()).contains("EXAMPLE_TEST_KEY");
        }
    }
}
