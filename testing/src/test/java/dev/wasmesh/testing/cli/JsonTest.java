package dev.wasmesh.testing.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesAndReadsBackNestedValues() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "quote \" backslash \\ newline \n tab \t control \u0001");
        value.put("count", 42L);
        value.put("ratio", 0.5);
        value.put("ok", true);
        value.put("nothing", null);
        value.put("list", List.of("a", 1L, List.of()));
        value.put("empty", Map.of());

        String json = Json.write(value);

        assertThat(json).startsWith("{\"text\":\"quote \\\" backslash \\\\ newline \\n tab \\t control \\u0001\"");
        assertThat(Json.parse(json)).isEqualTo(value);
    }

    @Test
    void parsesWhitespaceAndUnicodeEscapes() {
        assertThat(Json.parse(" { \"a\" : [ 1 , -2.5e1 , \"\\u00e9\" ] } "))
                .isEqualTo(Map.of("a", List.of(1L, -25.0, "é")));
    }

    @Test
    void rejectsMalformedInputWithItsOffset() {
        assertThatThrownBy(() -> Json.parse("{\"a\": }")).hasMessageContaining("offset 6");
        assertThatThrownBy(() -> Json.parse("[1, 2")).hasMessageContaining("expected ']'");
        assertThatThrownBy(() -> Json.parse("\"open")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> Json.parse("{} x")).hasMessageContaining("unexpected text");
    }
}
