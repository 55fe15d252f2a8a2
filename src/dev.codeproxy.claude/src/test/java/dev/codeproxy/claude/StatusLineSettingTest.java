package dev.codeproxy.claude;

import dev.codeproxy.core.settings.Settings;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The opt-in status line: {@code statusLine} goes into Claude Code's settings through the same
 * ledger as the env keys, only where the user has none, and comes back out on restore.
 */
class StatusLineSettingTest {
    @TempDir
    Path tmp;
    Path config;
    Path data;
    Path file;

    @BeforeEach
    void setUp() throws IOException {
        config = Files.createDirectories(tmp.resolve("home/.claude"));
        data = tmp.resolve("data");
        file = config.resolve("settings.json");
    }

    ClaudeSettings claude() {
        return new ClaudeSettings(config, data);
    }

    static LinkedHashMap<String, String> env() {
        LinkedHashMap<String, String> w = new LinkedHashMap<>();
        w.put(ClaudeEnv.BASE_URL, "http://127.0.0.1:9000");
        w.put(ClaudeEnv.AUTH_TOKEN, "cp-token");
        return w;
    }

    LinkedHashMap<String, JsonValue> top(boolean on) {
        Settings s = Settings.DEFAULTS.with(Map.of("claudeStatusLine", Boolean.toString(on)));
        return ClaudeEnv.topLevel(s, Path.of("/opt/code proxy/bin/code-proxy-statusline"), data);
    }

    JsonObject json() throws IOException {
        try (var r = Json.createReader(new StringReader(Files.readString(file)))) {
            return r.readObject();
        }
    }

    @Test
    void offByDefaultAndWithoutTheLauncher() {
        assertTrue(ClaudeEnv.topLevel(Settings.DEFAULTS, Path.of("/x"), data).isEmpty());
        assertTrue(ClaudeEnv.topLevel(Settings.DEFAULTS.with(Map.of("claudeStatusLine", "true")), null, data).isEmpty());
    }

    @Test
    void setWhereThereIsNoneAndRemovedOnRestore() throws IOException {
        Files.writeString(file, "{\n  \"model\": \"opus\"\n}\n", StandardCharsets.UTF_8);
        byte[] before = Files.readAllBytes(file);
        ClaudeSettings.ApplyResult r = claude().apply(env(), top(true));
        assertTrue(r.written().contains("statusLine"), r.written().toString());
        JsonObject line = json().getJsonObject("statusLine");
        assertEquals("command", line.getString("type"));
        assertEquals("'/opt/code proxy/bin/code-proxy-statusline' --data-dir '" + data.toAbsolutePath() + "'",
                line.getString("command"));
        assertFalse(line.getString("command").contains("cp-token"), "no token on the command line");

        ClaudeSettings.RestoreResult back = claude().restore();
        assertTrue(back.reverted().contains("statusLine"), back.reverted().toString());
        assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(file));
    }

    @Test
    void theUsersOwnStatusLineIsNeverTouched() throws IOException {
        String mine = "{\n  \"statusLine\": {\n    \"type\": \"command\",\n    \"command\": \"~/.claude/mine.sh\"\n  }\n}\n";
        Files.writeString(file, mine, StandardCharsets.UTF_8);
        ClaudeSettings.ApplyResult r = claude().apply(env(), top(true));
        assertFalse(r.written().contains("statusLine"));
        assertEquals("~/.claude/mine.sh", json().getJsonObject("statusLine").getString("command"));
        claude().restore();
        assertEquals(mine, Files.readString(file));
    }

    @Test
    void turnedOffWhileAppliedIsTakenBackAndAUserEditIsKept() throws IOException {
        Files.writeString(file, "{}\n", StandardCharsets.UTF_8);
        claude().apply(env(), top(true));
        assertTrue(json().containsKey("statusLine"));
        ClaudeSettings.ApplyResult off = claude().apply(env(), top(false));
        assertTrue(off.reverted().contains("statusLine"), off.reverted().toString());
        assertFalse(json().containsKey("statusLine"));

        claude().apply(env(), top(true));
        // the user replaces ours while applied: theirs now, kept on restore
        JsonObject edited = Json.createObjectBuilder(json()).add("statusLine", Json.createObjectBuilder()
                .add("type", "command").add("command", "mine.sh")).build();
        Files.writeString(file, edited.toString(), StandardCharsets.UTF_8);
        ClaudeSettings.RestoreResult back = claude().restore();
        assertEquals(List.of("statusLine"), back.keptUser().stream().filter(k -> k.equals("statusLine")).toList());
        assertEquals("mine.sh", json().getJsonObject("statusLine").getString("command"));
    }

    @Test
    void aCrashedRunsStatusLineIsRecovered() throws IOException {
        Files.writeString(file, "{\"model\": \"opus\"}", StandardCharsets.UTF_8);
        claude().apply(env(), top(true));
        // no restore (kill -9): the next start recovers from the ledger
        assertTrue(claude().recoverIfNeeded().isPresent());
        assertFalse(json().containsKey("statusLine"));
        assertFalse(json().containsKey("env"));
        assertEquals("opus", json().getString("model"));
    }
}
