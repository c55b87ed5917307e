package dev.switchboard.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderOptionsTest {

    private static ProviderOptions options(Map<String, ?> values) {
        return ProviderSettings.builder("local", "test").options(values).build().options();
    }

    @Test
    void readsEachKindOfValue() {
        ProviderOptions o = options(Map.of(
                "name", "eu", "count", 42, "count-text", "7", "flag", "yes", "wait", "250ms",
                "list", List.of("chat", 3, true), "map", Map.of("gpt-4o", "chat-deployment", "v.2", "x"),
                "token", "  secret-value  "));

        assertThat(o.keys()).containsExactlyInAnyOrder("name", "count", "count-text", "flag", "wait", "list", "map",
                "token");
        assertThat(o.string("name")).contains("eu");
        assertThat(o.string("count")).contains("42");
        assertThat(o.integer("count")).contains(42);
        assertThat(o.integer("count-text")).contains(7);
        assertThat(o.bool("flag")).contains(true);
        assertThat(o.duration("wait")).contains(Duration.ofMillis(250));
        assertThat(o.stringList("list")).contains(List.of("chat", "3", "true"));
        assertThat(o.stringMap("map")).contains(Map.of("gpt-4o", "chat-deployment", "v.2", "x"));
        assertThat(o.secret("token").map(Secret::reveal)).contains("secret-value");
        assertThat(o.toString()).doesNotContain("secret-value");
    }

    @Test
    void readsAnAbsentKeyAsEmpty() {
        ProviderOptions o = options(Map.of());

        assertThat(o.has("num-ctx")).isFalse();
        assertThat(o.string("num-ctx")).isEmpty();
        assertThat(o.integer("num-ctx")).isEmpty();
        assertThat(o.bool("num-ctx")).isEmpty();
        assertThat(o.duration("num-ctx")).isEmpty();
        assertThat(o.stringList("num-ctx")).isEmpty();
        assertThat(o.stringMap("num-ctx")).isEmpty();
        assertThat(o.secret("num-ctx")).isEmpty();
    }

    @Test
    void takesAKeyWithADotAsOneKeyNotAPath() {
        ProviderOptions o = options(Map.of("a.b", "1"));

        assertThat(o.string("a.b")).contains("1");
        assertThat(o.has("a")).isFalse();
    }

    @Test
    void refusesAValueOfTheWrongTypeNamingTheFullKey() {
        ProviderOptions o = options(Map.of("num-ctx", "lots", "flag", List.of(), "wait", "soon", "list", "chat",
                "map", Map.of("gpt-4o", List.of("a")), "name", Map.of("x", 1), "big", 3_000_000_000L));

        assertThatThrownBy(() -> o.integer("num-ctx")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("switchboard.providers.local.num-ctx: 'lots' is not a whole number");
        assertThatThrownBy(() -> o.integer("big"))
                .hasMessage("switchboard.providers.local.big: must be between -2147483648 and 2147483647, was 3000000000");
        assertThatThrownBy(() -> o.bool("flag"))
                .hasMessage("switchboard.providers.local.flag: must be true or false, not a list");
        assertThatThrownBy(() -> o.duration("wait")).hasMessage("switchboard.providers.local.wait: 'soon' is not a"
                + " duration; write a number and a unit, e.g. 30s, 500ms or 2m");
        assertThatThrownBy(() -> o.stringList("list"))
                .hasMessage("switchboard.providers.local.list: must be a list [ ... ], not the string 'chat'");
        assertThatThrownBy(() -> o.stringMap("map"))
                .hasMessage("switchboard.providers.local.map.gpt-4o: must be a string, not a list");
        assertThatThrownBy(() -> o.string("name"))
                .hasMessage("switchboard.providers.local.name: must be a string, not a block");
    }
}
