package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader of chat bodies agrees with the tree reader: on every body it reads it gives the call the tree
 * reader gives, and it gives up on (leaves to the tree reader) every body the tree reader refuses or reads in a way it
 * does not (duplicate fields, values of other types that the tree reader coerces).
 */
class ChatBodyReaderTest {

    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    /** The call the streaming reader gives, after checking it against the tree reader's; null when it gave up. */
    private static OpenAiServerCodec.ChatCall read(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OpenAiServerCodec.ChatCall fast = ChatBodyReader.read(bytes, bytes.length);
        OpenAiServerCodec.ChatCall tree;
        try {
            JsonNode json = Json.read(bytes, 0, bytes.length);
            tree = OpenAiServerCodec.readChatRequest(json);
        } catch (IOException | RuntimeException e) {
            assertThat(fast).as("the streaming reader read a body the tree reader refuses (%s): %s", e, body).isNull();
            return null;
        }
        if (fast != null) {
            assertThat(fast).as(body).usingRecursiveComparison().isEqualTo(tree);
            assertThat(new ArrayList<>(fast.request().providerParameters().keySet())).as(body)
                    .isEqualTo(new ArrayList<>(tree.request().providerParameters().keySet()));
        }
        return fast;
    }

    @Test
    void readsTheBodiesClientsSendAsTheTreeReaderDoes() throws IOException {
        String fixture;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/openai-server/chat-request-tools.json")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> bodies = List.of(fixture,
                "{\"model\":\"default\",\"stream\":false,\"messages\":[{\"role\":\"system\",\"content\":\"You are a"
                        + " helpful assistant.\"},{\"role\":\"user\",\"content\":\"Hello!\"}]}",
                "{\"model\":\"m\"," + MESSAGES + ",\"temperature\":0,\"top_p\":0.5,\"max_completion_tokens\":7,"
                        + "\"max_tokens\":9,\"seed\":12345678901,\"stop\":[\"a\",\"b\"],\"n\":1,\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":false}}",
                "{\"model\":\"m\"," + MESSAGES + ",\"max_tokens\":9,\"user\":\"u\",\"logit_bias\":{\"1\":-100},"
                        + "\"presence_penalty\":null,\"metadata\":{\"a\":[1,2.5,true]},\"functions\":null}",
                "{\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":"
                        + "\"function\",\"function\":{\"name\":\"f\",\"arguments\":{\"x\":1}}}],\"extra\":[1,{}]},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"42\",\"name\":\"f\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"see\"},{\"type\":\"image_url\","
                        + "\"image_url\":{\"url\":\"data:image/png;base64,AA==\",\"detail\":\"low\"}},"
                        + "{\"type\":\"image_url\",\"image_url\":\"https://x/y.png\"}]},"
                        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":\"no\"}]}],"
                        + "\"model\":\"p/m\",\"tool_choice\":\"required\",\"tools\":[{\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"strict\":true}}],\"response_format\":{\"type\":\"json_object\"}}",
                "{\"model\":\"m\"," + MESSAGES + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
                // roles are matched on the parsed characters: an escaped spelling is the same role
                "{\"model\":\"m\",\"messages\":[{\"role\":\"developer\",\"content\":\"x\"},"
                        + "{\"role\":\"us\\u0065r\",\"content\":\"y\"}]}",
                "{\"model\":\"m\"," + MESSAGES + ",\"tools\":null,\"tool_choice\":null,\"response_format\":null,"
                        + "\"temperature\":null,\"stop\":null,\"seed\":null,\"stream\":null,\"n\":null} trailing");
        for (String body : bodies) {
            assertThat(read(body)).as(body).isNotNull();
        }
    }

    @Test
    void leavesToTheTreeReaderEveryBodyItRefusesOrReadsOtherwise() {
        List<String> bodies = List.of("", "  ", "[]", "{", "{\"model\":\"m\"", "nonsense", "{\"model\":1," + MESSAGES + "}",
                "{" + MESSAGES + "}", "{\"model\":\"m\"}", "{\"model\":\"m\",\"messages\":[]}",
                "{\"model\":\"m\",\"messages\":{}}", "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"boss\",\"content\":\"x\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"User\",\"content\":\"x\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"use\",\"content\":\"x\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"users\",\"content\":\"x\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":null,\"content\":\"x\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":1,\"content\":\"x\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[]}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"tool_calls\":[]}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"name\":5}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"role\":\"system\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]}",
                // malformed inside a field the readers ignore: the tree reader refuses it, so the streaming one must
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"extra\":\"\\q\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"extra\":\"a\u0001b\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"extra\":[1,}]}]}",
                "{\"model\":\"m\",\"model\":\"n\"," + MESSAGES + "}",
                "{\"model\":\"m\"," + MESSAGES + ",\"user\":\"a\",\"user\":\"b\"}",
                "{\"model\":\"m\"," + MESSAGES + ",\"user\":null,\"user\":\"b\"}",
                "{\"model\":\"m\"," + MESSAGES + ",\"n\":2}", "{\"model\":\"m\"," + MESSAGES + ",\"n\":1.0}",
                "{\"model\":\"m\"," + MESSAGES + ",\"functions\":[]}",
                "{\"model\":\"m\"," + MESSAGES + ",\"temperature\":\"0\"}",
                "{\"model\":\"m\"," + MESSAGES + ",\"temperature\":9}",
                "{\"model\":\"m\"," + MESSAGES + ",\"max_tokens\":1.5}",
                "{\"model\":\"m\"," + MESSAGES + ",\"max_tokens\":12345678901}",
                "{\"model\":\"m\"," + MESSAGES + ",\"seed\":4.0}",
                "{\"model\":\"m\"," + MESSAGES + ",\"seed\":123456789012345678901234567890}",
                "{\"model\":\"m\"," + MESSAGES + ",\"stop\":[1]}",
                "{\"model\":\"m\"," + MESSAGES + ",\"stream\":\"true\"}",
                "{\"model\":\"m\"," + MESSAGES + ",\"tools\":{}}",
                "{\"model\":\"m\"," + MESSAGES + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
                        + "\"parameters\":[]}}]}",
                "{\"model\":\"m\"," + MESSAGES + ",\"tool_choice\":\"sometimes\"}",
                "{\"model\":\"m\"," + MESSAGES + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}}",
                "{\"model\":\"m\"," + MESSAGES + ",\"response_format\":{\"type\":\"xml\"}}");
        for (String body : bodies) {
            assertThat(read(body)).as(body).isNull();
        }
    }
}
