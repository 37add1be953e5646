package dev.netknife.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 8259 values, and refusals with the offset where the text stops being JSON. */
class JsonReaderTest {
    @Test
    void values() {
        assertEquals(Map.of("a", 1.0, "b", List.of(true, false), "c", "x\"y\n\u00e9"),
                JsonReader.parse(" {\"a\": 1, \"b\": [true, false], \"c\": \"x\\\"y\\n\\u00e9\"} "));
        assertEquals(Arrays.asList(null, -2.5e3, "", Map.of()), JsonReader.parse("[null,-2.5e3,\"\",{}]"));
        assertEquals(List.of(), JsonReader.parse("[]"));
        assertEquals(0.0, JsonReader.parse("0"));
    }

    @Test
    void refusals() {
        for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "01", "1.", "tru", "\"open", "{\"a\":1} x", "[\"\u0001\"]",
                "\"\\q\"", "{1:2}", "[".repeat(40) + "]".repeat(40))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(bad), bad);
            assertEquals(true, e.getMessage().startsWith("not JSON at offset "), e.getMessage());
        }
    }
}
