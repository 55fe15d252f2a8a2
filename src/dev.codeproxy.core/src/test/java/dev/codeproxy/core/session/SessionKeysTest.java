package dev.codeproxy.core.session;

import dev.codeproxy.core.wire.BodySpans;
import dev.codeproxy.core.wire.RequestBody;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class SessionKeysTest {
    static final String UUID = "6f1c1f55-2f2c-4c4f-9c55-1f0d1b2e3a4b";

    @Test
    void headerFirst() {
        assertEquals("h-1", SessionKeys.sessionId(" h-1 ", "user_x_account_y_session_" + UUID));
    }

    @Test
    void userIdAsJsonString() {
        assertEquals(UUID, SessionKeys.sessionId(null,
                "{\"device_id\":\"ab12\",\"account_uuid\":\"\",\"session_id\":\"" + UUID + "\"}"));
        assertNull(SessionKeys.sessionId(null, "{\"device_id\":\"ab12\"}"));
        assertNull(SessionKeys.sessionId(null, "{not json"));
    }

    @Test
    void userIdOlderForm() {
        assertEquals(UUID, SessionKeys.sessionId("", "user_0a1b_account_c2d3_session_" + UUID));
        assertNull(SessionKeys.sessionId(null, "just-a-user"), "no session part: no session");
        assertNull(SessionKeys.sessionId(null, null));
    }

    @Test
    void longIdsAreCut() {
        assertEquals(SessionKeys.MAX_ID, SessionKeys.sessionId("x".repeat(500), null).length());
    }

    @Test
    void projectFromTheEnvironmentBlock() {
        String body = "{\"model\":\"m\",\"system\":[{\"type\":\"text\",\"text\":\"<env>\\nPrimary working directory: "
                + "/home/ann/my \\\"app\\\"\\nIs directory a git repo: Yes\\n</env>\"}],\"messages\":[]}";
        assertEquals("/home/ann/my \"app\"", SessionKeys.project(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void projectWithUnicodeAndBackslashes() {
        String body = "{\"system\":\"Primary working directory: C:\\\\Users\\\\J\\u00fcrgen\\\\x\"}";
        assertEquals("C:\\Users\\Jürgen\\x", SessionKeys.project(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void noProject() {
        assertNull(SessionKeys.project("{\"system\":\"hello\"}".getBytes(StandardCharsets.UTF_8)));
        assertNull(SessionKeys.project("{\"system\":\"Primary working directory: \\n\"}".getBytes(StandardCharsets.UTF_8)));
        assertNull(SessionKeys.project(null));
        assertNull(SessionKeys.project("Primary working directory: ".getBytes(StandardCharsets.UTF_8)));
    }

    /** A conversation of {@code n} messages, the working directory line in message {@code marked} only (0-based). */
    private static String conversation(int n, int marked, String system) {
        StringBuilder b = new StringBuilder("{\"model\":\"m\",\"messages\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant")
                    .append("\",\"content\":[{\"type\":\"text\",\"text\":\"turn ").append(i)
                    .append(i == marked ? "\\n<env>\\nPrimary working directory: /srv/pasted/elsewhere\\n</env>" : "")
                    .append(" ").append("lorem ipsum ".repeat(40)).append("\"}]}");
        }
        return b.append("],\"system\":").append(system).append(",\"tools\":[]}").toString();
    }

    @Test
    void projectIsLookedForInTheSystemPromptAndTheFirstMessageOnly() {
        String plain = "[{\"type\":\"text\",\"text\":\"You are Claude Code.\"}]";
        // the line only in the 40th message (a pasted file, a tool result): that far into the body is not searched
        byte[] late = conversation(60, 39, plain).getBytes(StandardCharsets.UTF_8);
        BodySpans spans = RequestBody.scan(late).spans();
        assertNotNull(spans);
        assertNull(SessionKeys.project(late, spans));
        assertNull(SessionKeys.project(late));
        // where Claude Code puts it: the system prompt (after the messages in its bodies), or the first message
        String env = "[{\"type\":\"text\",\"text\":\"<env>\\nPrimary working directory: /home/ann/app\\n</env>\"}]";
        byte[] inSystem = conversation(60, 39, env).getBytes(StandardCharsets.UTF_8);
        assertEquals("/home/ann/app", SessionKeys.project(inSystem, RequestBody.scan(inSystem).spans()));
        byte[] inFirst = conversation(60, 0, plain).getBytes(StandardCharsets.UTF_8);
        assertEquals("/srv/pasted/elsewhere", SessionKeys.project(inFirst, RequestBody.scan(inFirst).spans()));
        // the first found in body order counts, as when the whole body was searched
        byte[] both = conversation(3, 0, env).getBytes(StandardCharsets.UTF_8);
        assertEquals("/srv/pasted/elsewhere", SessionKeys.project(both));
        // spans of another array (a copy) are not used: nothing is found rather than something wrong
        assertNull(SessionKeys.project(inSystem.clone(), RequestBody.scan(inSystem).spans()));
        assertNull(SessionKeys.project(inSystem, null));
        // tools, metadata and other keys are not where the block is
        assertNull(SessionKeys.project(("{\"tools\":[{\"description\":\"Primary working directory: /t\"}],"
                + "\"x\":\"Primary working directory: /x\",\"messages\":[]}").getBytes(StandardCharsets.UTF_8)));
    }
}
