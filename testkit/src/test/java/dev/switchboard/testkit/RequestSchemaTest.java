package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RequestSchemaTest {

    private static final RequestSchema SCHEMA = RequestSchema.load("schemas/sample-request.json");

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void aConformingBodyHasNoViolations() throws Exception {
        assertThat(SCHEMA.violations(json("""
                {"model": "m", "temperature": null, "options": {"anything": 1},
                 "messages": [{"role": "user", "content": "hi"}, {"role": "tool", "id": "t1"}]}"""))).isEmpty();
    }

    @Test
    void anUnknownFieldAMissingRequiredOneAndAWrongTypeAreEachNamed() throws Exception {
        assertThat(SCHEMA.violations(json("""
                {"messages": [{"role": "user", "content": 3}], "temperature": "hot", "frequency_penalty": 0.5}""")))
                .anySatisfy(v -> assertThat(v).contains("required field 'model' is missing"))
                .anySatisfy(v -> assertThat(v).contains("/frequency_penalty").contains("unknown field"))
                .anySatisfy(v -> assertThat(v).contains("/temperature").contains("expected"))
                .anySatisfy(v -> assertThat(v).contains("/messages/0").contains("none of its alternatives"));
    }

    @Test
    void aSchemaMustNameItsSource() {
        assertThatThrownBy(() -> RequestSchema.load("schemas/missing.json")).hasMessageContaining("schemas/missing.json");
    }
}
