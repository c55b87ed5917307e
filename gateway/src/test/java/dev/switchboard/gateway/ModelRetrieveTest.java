package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.models.Model;
import com.openai.models.models.ModelRetrieveParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /v1/models/{id}} as openai-java's {@code client.models().retrieve(...)} sees it. */
@Timeout(60) // a guard against hangs, not a speed check
class ModelRetrieveTest {

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void retrievesARouteAProviderAndAProvidersDefaultModel() {
        h = GatewayHarness.start();

        Model route = h.client().models().retrieve("default");
        Model provider = h.client().models().retrieve("backup");
        // the SDK percent-encodes the slash of provider/model as one path segment
        Model model = h.client().models().retrieve(ModelRetrieveParams.builder().model("primary/gpt-4o-mini").build());

        assertThat(route.id()).isEqualTo("default");
        assertThat(route.ownedBy()).isEqualTo("switchboard");
        assertThat(provider.id()).isEqualTo("backup");
        assertThat(provider.ownedBy()).isEqualTo("backup");
        assertThat(model.id()).isEqualTo("primary/gpt-4o-mini");
        assertThat(model.ownedBy()).isEqualTo("primary");
        assertThat(h.upstream.getAllServeEvents()).as("no provider is asked").isEmpty();
    }

    @Test
    void aSlashWrittenPlainAlsoFindsTheModel() throws Exception {
        h = GatewayHarness.start();

        GatewayHarness.Reply r = h.http("GET", "/v1/models/local/llama3.2", null,
                "Authorization", "Bearer " + GatewayHarness.KEY);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"id\":\"local/llama3.2\"", "\"object\":\"model\"", "\"owned_by\":\"local\"");
    }

    @Test
    void aModelNotListedIs404ModelNotFound() {
        h = GatewayHarness.start();

        NotFoundException e = catchThrowableOfType(NotFoundException.class,
                () -> h.client().models().retrieve("gpt-5-turbo"));

        assertThat(e.statusCode()).isEqualTo(404);
        assertThat(e.code()).hasValue("model_not_found");
        assertThat(e.param()).hasValue("model");
        assertThat(e.getMessage()).contains("gpt-5-turbo");
        // a provider's model that the list does not expose is not answered either
        assertThat(catchThrowableOfType(NotFoundException.class,
                () -> h.client().models().retrieve(ModelRetrieveParams.builder().model("primary/gpt-4o").build())))
                .isNotNull();
    }

    @Test
    void withKeysItAnswersOnlyAKeyAndSaysNothingOfTheModelWithout() {
        h = GatewayHarness.start("gateway.keys = [ \"" + GatewayHarness.KEY + "\" ]");

        UnauthorizedException known = catchThrowableOfType(UnauthorizedException.class,
                () -> h.client("not-a-gateway-key").models().retrieve("default"));
        UnauthorizedException unknown = catchThrowableOfType(UnauthorizedException.class,
                () -> h.client("not-a-gateway-key").models().retrieve("no-such-route"));

        assertThat(known.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(known.getMessage()).doesNotContain("default");
        assertThat(h.client().models().retrieve("default").id()).isEqualTo("default");
    }
}
