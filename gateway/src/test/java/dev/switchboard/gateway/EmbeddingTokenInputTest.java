package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.testkit.Fixtures;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Embeddings of token arrays ({@code input} as token ids, as LangChain's {@code OpenAIEmbeddings} sends by default),
 * through openai-java: passed as they are to an OpenAI-shaped provider, refused with 400 {@code unsupported} naming the
 * provider where its API takes texts only (Ollama), and skipped on a route until a target that takes them.
 */
@Timeout(60)
class EmbeddingTokenInputTest {

    private static final String PRIMARY = "/primary/v1/embeddings";

    private GatewayHarness h;

    @BeforeEach
    void start() {
        h = GatewayHarness.start("routes.local-first.targets = [ local, primary ]\n"
                + "routes.local-only.targets = [ local ]");
        h.upstream.stubFor(post(PRIMARY).willReturn(okJson(Fixtures.load("fixtures/openai/embeddings.json"))));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void tokenArraysReachAnOpenAiProviderAsTheyAre() {
        CreateEmbeddingResponse r = h.client().embeddings().create(EmbeddingCreateParams.builder().model("primary")
                .inputOfArrayOfTokenArrays(List.of(List.of(9906L, 1917L), List.of(15339L))).build());

        assertThat(r.data()).singleElement().satisfies(e -> assertThat(e.embedding()).hasSize(3));
        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY)).withRequestBody(equalToJson(
                "{\"model\": \"text-embedding-3-small\", \"input\": [[9906, 1917], [15339]]}", false, true)));
    }

    @Test
    void oneTokenArrayIsOneInput() {
        h.client().embeddings().create(EmbeddingCreateParams.builder().model("primary")
                .inputOfArrayOfTokens(List.of(9906L, 1917L, 0L)).build());

        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY)).withRequestBody(equalToJson(
                "{\"input\": [[9906, 1917, 0]]}", false, true)));
    }

    @Test
    void aProviderWhoseApiTakesTextsOnlyRefusesThemAs400NamingIt() {
        BadRequestException direct = catchThrowableOfType(BadRequestException.class,
                () -> h.client().embeddings().create(EmbeddingCreateParams.builder().model("local")
                        .inputOfArrayOfTokens(List.of(9906L)).build()));
        BadRequestException route = catchThrowableOfType(BadRequestException.class,
                () -> h.client().embeddings().create(EmbeddingCreateParams.builder().model("local-only")
                        .inputOfArrayOfTokens(List.of(9906L)).build()));

        for (BadRequestException e : List.of(direct, route)) {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.code()).hasValue("unsupported");
            assertThat(e.getMessage()).contains("'local'", "EMBEDDING_TOKEN_INPUT");
        }
        h.upstream.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aRouteSkipsTargetsThatTakeTextsOnly() throws Exception {
        GatewayHarness.Reply r = h.http("POST", "/v1/embeddings",
                "{\"model\": \"local-first\", \"input\": [[1, 2, 3]]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).hasValue("primary");
        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY))
                .withRequestBody(equalToJson("{\"input\": [[1, 2, 3]]}", false, true)));
        h.upstream.verify(0, postRequestedFor(urlEqualTo("/ollama/api/embed")));
    }

    @Test
    void inputThatIsNeitherTextsNorTokenIdsIs400NamingTheField() throws Exception {
        for (String input : List.of("[1, \"two\"]", "[[1], []]", "[[1], 2]", "[-1]", "[1.5]", "[]", "[\"a\", 1]")) {
            GatewayHarness.Reply r = h.http("POST", "/v1/embeddings", "{\"model\": \"primary\", \"input\": " + input + "}");

            assertThat(r.statusCode()).as(input).isEqualTo(400);
            assertThat(r.body()).as(input).contains("\"param\":\"input\"", "token");
        }
        h.upstream.verify(0, anyRequestedFor(anyUrl()));
    }
}
