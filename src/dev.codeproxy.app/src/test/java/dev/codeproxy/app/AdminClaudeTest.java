package dev.codeproxy.app;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /_/api/claude: status, apply and restore of Claude Code's settings.json, key names only. */
class AdminClaudeTest extends AdminServerTest {

    @Test
    void statusApplyRestore() throws Exception {
        Files.writeString(claudeDir.resolve("settings.json"), "{\n  \"theme\": \"dark\"\n}\n");
        JsonObject st = get("/_/api/claude").json();
        assertTrue(st.getBoolean("available"));
        assertFalse(st.getBoolean("applied"));
        assertTrue(st.getBoolean("fileExists"));

        Resp applied = api("POST", "/_/api/claude/apply", null);
        assertEquals(200, applied.status(), applied.body());
        assertTrue(applied.json().getJsonArray("written").toString().contains("ANTHROPIC_BASE_URL"));
        String file = Files.readString(claudeDir.resolve("settings.json"));
        assertTrue(file.contains(base()), file);
        assertTrue(file.contains(CLIENT), "Claude Code gets the client token in its file");
        assertTrue(file.contains("\"theme\": \"dark\""));

        JsonObject after = get("/_/api/claude").json();
        assertTrue(after.getBoolean("applied"));
        assertEquals("ours", after.getJsonArray("keys").getJsonObject(0).getString("state"));

        Resp restored = api("POST", "/_/api/claude/restore", null);
        assertEquals(200, restored.status(), restored.body());
        assertTrue(restored.json().getBoolean("wasApplied"));
        assertEquals("{\n  \"theme\": \"dark\"\n}\n", Files.readString(claudeDir.resolve("settings.json")));
        assertFalse(get("/_/api/claude").json().getBoolean("applied"));
    }

    @Test
    void aMalformedFileIsNeverWritten() throws Exception {
        Files.writeString(claudeDir.resolve("settings.json"), "{ not json");
        JsonObject st = get("/_/api/claude").json();
        assertFalse(st.isNull("problem"), st.toString());
        Resp r = api("POST", "/_/api/claude/apply", null);
        assertEquals(409, r.status(), r.body());
        assertEquals("{ not json", Files.readString(claudeDir.resolve("settings.json")));
    }

    @Test
    void anApplyIsRestoredWhenTheServerStops() throws Exception {
        assertEquals(200, api("POST", "/_/api/claude/apply", null).status());
        assertTrue(Files.readString(claudeDir.resolve("settings.json")).contains(CLIENT));
        server.close();
        assertFalse(Files.exists(claudeDir.resolve("settings.json")) && Files.readString(claudeDir.resolve("settings.json"))
                .contains(CLIENT), "restored on stop");
    }

    @Test
    void withoutTheIntegrationItSaysSo() {
        server.close();
        server = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(dataDir)
                .host("127.0.0.1")
                .port(0)
                .clientToken(CLIENT)
                .adminToken(ADMIN)
                .build());
        JsonObject st = get("/_/api/claude").json();
        assertFalse(st.getBoolean("available"));
        assertTrue(st.getString("reason").contains("--no-claude-config"));
        assertEquals(409, api("POST", "/_/api/claude/apply", null).status());
        assertEquals(409, api("POST", "/_/api/claude/restore", null).status());
    }
}
