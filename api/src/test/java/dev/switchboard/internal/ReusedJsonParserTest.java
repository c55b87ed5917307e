package dev.switchboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parser a thread keeps reads every document as a new parser of that document alone reads it (the same tokens,
 * texts and numbers, the end where it ends) and refuses every document a new parser refuses, whatever the documents
 * before it on the same parser held: a syntax error, a value cut in the middle, trailing text, a document its reader
 * left half read. (How a refusal is worded may differ: callers that report it read the bytes again with an ordinary
 * parser.)
 */
class ReusedJsonParserTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String GOOD = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi \\u00e9\\n\"}],"
            + "\"temperature\":0.5,\"n\":1,\"seed\":12345678901,\"big\":123456789012345678901234567890,"
            + "\"stop\":[\"a\",null,true,false,-1.5e3],\"nested\":{\"a\":[[],{}]}}";
    private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
            + "\"assistant\",\"content\":\"Hello! How can I help?\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19}}";

    /** What a parser gives for a document: each token with its text, then the end or the error, where it was. */
    private static List<String> trace(JsonParser p) {
        List<String> out = new ArrayList<>();
        try (p) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                out.add(t + " " + p.getText() + (t.isNumeric() ? " " + p.getNumberType() + " " + p.getNumberValue() : ""));
            }
            out.add("end, current token " + p.currentToken());
        } catch (JsonProcessingException e) {
            out.add(e.getClass().getSimpleName() + ": " + e.getOriginalMessage().replace("UNKNOWN", "REDACTED")
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static List<String> ordinary(String doc) throws IOException {
        byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
        return trace(MAPPER.getFactory().createParser(bytes, 0, bytes.length));
    }

    private static List<String> reused(String doc) throws IOException {
        byte[] bytes = ("xx" + doc + "yy").getBytes(StandardCharsets.UTF_8); // a document inside a larger buffer
        return trace(ReusedJsonParser.open(bytes, 2, bytes.length - 4));
    }

    @Test
    void oneParserReadsDocumentAfterDocumentAsNewParsersDo() throws IOException {
        byte[] bytes = GOOD.getBytes(StandardCharsets.UTF_8);
        JsonParser first = ReusedJsonParser.open(bytes, 0, bytes.length);
        trace(first);
        for (String doc : List.of(GOOD, ANSWER, "  " + ANSWER + " \n\t ", "[1,2,{\"a\":\"b\"}]", "{}", "[]",
                "\n\n  {\"a\":\n 1}\n", GOOD)) {
            assertThat(reused(doc)).as(doc).isEqualTo(ordinary(doc));
        }
        JsonParser again = ReusedJsonParser.open(bytes, 0, bytes.length);
        assertThat(again).as("the thread's one parser").isSameAs(first);
        trace(again);
        for (String doc : List.of("\"text\"", "true", "null", "12", "-0.5e-3", " 7 ", "")) { // root scalars, no value
            assertThat(reused(doc)).as(doc).isEqualTo(ordinary(doc));
            assertThat(reused(GOOD)).as("the body after " + doc).isEqualTo(ordinary(GOOD));
        }
    }

    /**
     * A document the ordinary parser refuses is refused too (where, and how it is worded, may differ); one it reads
     * is read alike.
     */
    private static void refusedAlike(String doc) throws IOException {
        List<String> expected = ordinary(doc);
        List<String> actual = reused(doc);
        if (!expected.get(expected.size() - 1).contains("Exception: ")) {
            assertThat(actual).as(doc).isEqualTo(expected); // two root values: both parsers read both
            return;
        }
        assertThat(actual.get(actual.size() - 1)).as(doc).contains("Exception: ");
    }

    @Test
    void aMalformedDocumentFailsAsInANewParserAndTheNextIsReadWhole() throws IOException {
        for (String bad : List.of("{\"a\":1,}", "{\"a\" 1}", "{\"a\":tru}", "{\"a\":\"b\"]", "{\"a\":01}",
                "\n{\n\"a\":\n[1,,2]}", "{\"a\":\"\u0001\"}", "]", "{\"a\":1}}", "{\"a\":1} x", "{\"a\":1}{\"b\":2}",
                "nul", "{\"a\":-}", "{'a':1}")) {
            refusedAlike(bad);
            assertThat(reused(GOOD)).as("the body after " + bad).isEqualTo(ordinary(GOOD));
        }
    }

    @Test
    void aDocumentCutAnywhereFailsAsInANewParserAndTheNextIsReadWhole() throws IOException {
        for (int cut = 1; cut < ANSWER.length(); cut++) {
            String start = ANSWER.substring(0, cut);
            refusedAlike(start);
            assertThat(reused(ANSWER)).as("the body after " + start).isEqualTo(ordinary(ANSWER));
        }
        for (String cut : List.of("{\"a\":12", "\"abc", "{\"a\":\"\\u00", "[tr", "{\"a", "{\"a\":-",
                "{\"a\":1} {\"b\"", "[] [")) { // a second root value cut
            refusedAlike(cut);
            assertThat(reused(GOOD)).as("the body after " + cut).isEqualTo(ordinary(GOOD));
        }
    }

    @Test
    void aDocumentLeftHalfReadIsNotSeenByTheNext() throws IOException {
        byte[] bytes = GOOD.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = ReusedJsonParser.open(bytes, 0, bytes.length)) {
            p.nextToken();
            p.nextToken();
        }
        assertThat(reused(ANSWER)).isEqualTo(ordinary(ANSWER));
    }

    @Test
    void aDocumentReadInsideAnotherGetsAParserOfItsOwn() throws IOException {
        byte[] outer = GOOD.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = ReusedJsonParser.open(outer, 0, outer.length)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            assertThat(reused(ANSWER)).isEqualTo(ordinary(ANSWER));
            assertThat(p.nextFieldName()).isEqualTo("model");
        }
    }

    @Test
    void treesAreReadAsTheMapperReadsThem() throws IOException {
        byte[] bytes = GOOD.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            try (JsonParser p = ReusedJsonParser.open(bytes, 0, bytes.length)) {
                p.nextToken();
                JsonNode tree = p.readValueAsTree();
                assertThat(tree).isEqualTo(MAPPER.readTree(GOOD));
                assertThat(p.nextToken()).isNull();
            }
        }
    }
}
