package dev.codeproxy.core.session;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
