package dev.codeproxy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FixturesTest {

    @Test
    void messageStreamHasTheAnthropicShape() {
        List<String> events = SseFixtures.message("claude-opus-4-8", 3);
        assertEquals(9, events.size());
        List<String> names = new ArrayList<>();
        for (String e : events) {
            assertTrue(e.startsWith("event: ") && e.endsWith("\n\n") && e.contains("\ndata: {"), e);
            names.add(e.substring(7, e.indexOf('\n')));
        }
        assertEquals(List.of("message_start", "content_block_start", "ping", "content_block_delta",
                "content_block_delta", "content_block_delta", "content_block_stop", "message_delta",
                "message_stop"), names);
        assertEquals("message_stop", names.getLast());
        assertTrue(events.get(0).contains("\"model\":\"claude-opus-4-8\""));
        assertTrue(events.get(0).contains("\"input_tokens\":25,\"cache_creation_input_tokens\":10,"
                + "\"cache_read_input_tokens\":5,\"cache_creation\":{\"ephemeral_5m_input_tokens\":10,"
                + "\"ephemeral_1h_input_tokens\":0},\"output_tokens\":1"));
        assertTrue(events.get(3).contains("\"text\":\"tok0 \""));
        assertTrue(events.get(7).contains("\"stop_reason\":\"end_turn\"") && events.get(7).contains("\"output_tokens\":3}"));
        assertEquals("tok0 tok1 tok2 ", SseFixtures.messageText(3));
        assertEquals(events, SseFixtures.message("claude-opus-4-8", 3), "deterministic");
    }

    @Test
    void errorFixtures() {
        assertEquals("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"Overloaded\"}}\n\n", SseFixtures.errorEvent("overloaded_error", "Overloaded"));
        List<String> e = SseFixtures.errorBeforeContent("api_error", "boom");
        assertEquals(2, e.size());
        assertTrue(e.get(0).startsWith("event: message_start\n"));
        assertTrue(e.get(1).startsWith("event: error\n"));
    }

    @Test
    void claudeCodeBodyHasTheRightShapeAndSize() {
        String body = ClaudeCodeBodies.request("claude-sonnet-5", true, 76_000);
        assertEquals(76_000, body.getBytes(StandardCharsets.UTF_8).length);
        List<String> keys = topLevelKeys(body);
        assertEquals(List.of("model", "messages", "system", "tools", "metadata", "max_tokens", "thinking",
                "context_management", "output_config", "stream"), keys);
        assertTrue(body.endsWith("\"stream\":true}"));
        assertTrue(body.contains("\"role\":\"system\""));
        assertTrue(body.contains("é") && body.contains("日本") && body.contains("🚀"));
        assertTrue(body.contains("\\\"") && body.contains("\\\\") && body.contains("\\u00e9"));
        assertTrue(body.contains("\"max_tokens\":32000") && body.contains("\"thinking\":{\"type\":\"adaptive\"}"));
        assertTrue(ClaudeCodeBodies.request("m", false, 50_000).endsWith("\"stream\":false}"));
        assertEquals(50_000, ClaudeCodeBodies.request("m", false, 50_000).getBytes(StandardCharsets.UTF_8).length);
        for (int size = 20_000; size < 21_000; size += 37) {
            assertEquals(size, ClaudeCodeBodies.request("m", true, size).getBytes(StandardCharsets.UTF_8).length);
        }
        assertEquals(body, ClaudeCodeBodies.request("claude-sonnet-5", true, 76_000), "deterministic");
        assertEquals("{\"model\":\"m\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],"
                + "\"stream\":false}", ClaudeCodeBodies.minimal("m", false));
    }

    /** Top-level keys of a JSON object, found with a small string-aware scanner (validates nesting too). */
    private static List<String> topLevelKeys(String json) {
        List<String> keys = new ArrayList<>();
        int depth = 0;
        boolean inString = false;
        StringBuilder current = null;
        boolean expectKey = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    char n = json.charAt(++i);
                    assertTrue("\"\\/bfnrtu".indexOf(n) >= 0, "bad escape at " + i);
                    if (current != null) {
                        current.append(n);
                    }
                } else if (c == '"') {
                    inString = false;
                    if (current != null) {
                        keys.add(current.toString());
                        current = null;
                    }
                } else {
                    assertTrue(c >= 0x20, "control char in string at " + i);
                    if (current != null) {
                        current.append(c);
                    }
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    inString = true;
                    if (depth == 1 && expectKey) {
                        current = new StringBuilder();
                        expectKey = false;
                    }
                }
                case '{', '[' -> {
                    depth++;
                    if (depth == 1) {
                        expectKey = true;
                    }
                }
                case '}', ']' -> depth--;
                case ',' -> {
                    if (depth == 1) {
                        expectKey = true;
                    }
                }
                default -> { }
            }
        }
        assertEquals(0, depth);
        return keys;
    }

    @Test
    void headersLookLikeClaudeCode() {
        var h = ClaudeCodeBodies.headers("tok", "sess");
        assertEquals("Bearer tok", h.get("authorization"));
        assertEquals("sess", h.get("x-claude-code-session-id"));
        assertEquals("2023-06-01", h.get("anthropic-version"));
        Matcher m = Pattern.compile("claude-cli/[0-9.]+ \\(external, sdk-cli\\)").matcher(h.get("user-agent"));
        assertTrue(m.matches());
    }
}
