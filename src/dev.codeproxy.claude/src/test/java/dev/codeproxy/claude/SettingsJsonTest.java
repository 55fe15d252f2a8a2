package dev.codeproxy.claude;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsJsonTest {
    private static final Path F = Path.of("/x/settings.json");

    private static String roundTrip(String json) {
        return SettingsJson.print(SettingsJson.parseObject(json.getBytes(StandardCharsets.UTF_8), F));
    }

    @Test
    void printsLikeJsonStringifyWithTwoSpaces() {
        assertEquals("{}\n", roundTrip("{}"));
        assertEquals("{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    [\n      1\n    ],\n    null,\n    true,\n    false\n  ]\n}\n",
                roundTrip("{\"a\":[],\"b\":{},\"c\":[[1],null,true,false]}"));
    }

    @Test
    void escapesLikeJsonStringify() {
        LinkedHashMap<String, JsonValue> m = new LinkedHashMap<>();
        m.put("k\"\\", Json.createValue("\b\f\n\r\t\u0000\u001f \u007f é ✓ 😀 \u2028 / \ud800"));
        assertEquals("{\n  \"k\\\"\\\\\": \"\\b\\f\\n\\r\\t\\u0000\\u001f \u007f é ✓ 😀 \u2028 / \\ud800\"\n}\n",
                SettingsJson.print(m));
    }

    @Test
    void numbersKeepTheirSourceText() {
        assertEquals("{\n  \"a\": 1e5,\n  \"b\": -0,\n  \"c\": 1.50,\n  \"d\": 123456789012345678901234567890\n}\n",
                roundTrip("{\"a\":1e5,\"b\":-0,\"c\":1.50,\"d\":123456789012345678901234567890}"));
        var n = (JsonNumber) SettingsJson.parseObject("{\"a\":1e5}".getBytes(StandardCharsets.UTF_8), F).get("a");
        assertEquals(100000, n.intValue());
    }

    @Test
    void printedOutputParsesBackToTheSameValue() {
        String src = "{\"a\":{\"b\":[1,{\"c\":\"d\\u0000\"}]},\"e\":\"\u00e9\"}";
        String printed = roundTrip(src);
        try (var r = Json.createReader(new StringReader(printed))) {
            assertEquals(Json.createReader(new StringReader(src)).readObject(), r.readObject());
        }
    }

    @Test
    void bomIsSkippedAndInvalidUtf8Refused() {
        byte[] bom = "\uFEFF{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertEquals(1, SettingsJson.parseObject(bom, F).size());
        ClaudeSettingsException e = assertThrows(ClaudeSettingsException.class,
                () -> SettingsJson.parseObject(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}, F));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void errorsNameFileLineAndColumn() {
        ClaudeSettingsException e = assertThrows(ClaudeSettingsException.class,
                () -> SettingsJson.parseObject("{\n  \"a\": 1\n  \"b\": 2\n}".getBytes(StandardCharsets.UTF_8), F));
        assertTrue(e.getMessage().startsWith(F + ": malformed JSON at line 3, column "), e.getMessage());
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("unexpected string, expected ','"), e.getMessage());
        ClaudeSettingsException eof = assertThrows(ClaudeSettingsException.class,
                () -> SettingsJson.parseObject("{\"a\":".getBytes(StandardCharsets.UTF_8), F));
        assertTrue(eof.getMessage().contains("unexpected end of file, expected '{' or '[' or string"), eof.getMessage());
    }
}
