package com.example.switchboard.parrot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.Capability;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The factory reads and checks the plugin's own keys when the provider is created, naming the key at fault. */
class ParrotProviderFactoryTest {

    private static final String BASE_URL = "http://127.0.0.1:9";

    private final HttpTransport transport = HttpTransport.create();
    private final ProviderContext context = ProviderContext.of(transport);

    @AfterEach
    void closeTransport() {
        transport.close();
    }

    private LlmProvider create(ProviderSettings settings) {
        return new ParrotProviderFactory().create(settings, context);
    }

    @Test
    void declaresTheKeyWithoutADefaultSoStrictConfigKnowsIt() {
        assertThat(new ParrotProviderFactory().settingKeys()).containsExactly("workspace");
        assertThat(ParrotStubs.defaults().hasPath("api-version")).as("api-version has a default").isTrue();
    }

    @Test
    void offersChatStreamingToolsAndModelListingButNoEmbeddings() {
        try (LlmProvider parrot = create(ParrotStubs.settings("p", BASE_URL, "").build())) {
            assertThat(parrot.type()).isEqualTo("parrot");
            assertThat(parrot.capabilities()).containsExactlyInAnyOrder(Capability.CHAT, Capability.STREAMING,
                    Capability.TOOLS, Capability.MODEL_LISTING);
        }
    }

    @Test
    void refusesAnApiVersionThatIsNotADateNamingTheKey() {
        ProviderSettings settings = ParrotStubs.settings("p", BASE_URL, "api-version = latest").build();

        assertThatThrownBy(() -> create(settings)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("switchboard.providers.p.api-version must be a date like 2025-06-01, was 'latest'");
    }

    @Test
    void refusesAnEmptyWorkspaceNamingTheKey() {
        ProviderSettings settings = ParrotStubs.settings("p", BASE_URL, "workspace = \" \"").build();

        assertThatThrownBy(() -> create(settings)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("switchboard.providers.p.workspace is empty");
    }

    @Test
    void refusesABlockWithoutBaseUrlNamingTheKey() {
        ProviderSettings settings = ProviderSettings.builder("p", "parrot").options(ParrotStubs.defaults().root().unwrapped()).build();

        assertThatThrownBy(() -> create(settings)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("switchboard.providers.p.base-url is not set");
    }
}
