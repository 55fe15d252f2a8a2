package dev.codeproxy.claude;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClaudeSettingsTest {
    private static final String TOKEN = "cp-0123456789abcdef0123456789abcdef";
    private static final String URL = "http://127.0.0.1:9000";

    /** A realistic file in Claude Code's own format. */
    private static final String RICH = """
            {
              "$schema": "https://json.schemastore.org/claude-code-settings.json",
              "env": {
                "FOO": "bar",
                "ANTHROPIC_BASE_URL": "https://old.example",
                "DEBUG": "1"
              },
              "permissions": {
                "allow": [
                  "Bash(npm run lint)",
                  "Read(~/.zshrc)"
                ],
                "deny": [],
                "defaultMode": "acceptEdits"
              },
              "hooks": {
                "PostToolUse": [
                  {
                    "matcher": "Edit|Write",
                    "hooks": [
                      {
                        "type": "command",
                        "command": "npx prettier --write \\"$FILE\\"",
                        "timeout": 30
                      }
                    ]
                  }
                ]
              },
              "statusLine": {
                "type": "command",
                "command": "~/.claude/statusline.sh",
                "padding": 0
              },
              "model": "opus",
              "cleanupPeriodDays": 20,
              "includeCoAuthoredBy": false,
              "note": "héllo ✓ 日本"
            }
            """;

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

    private ClaudeSettings claude() {
        return new ClaudeSettings(config, data);
    }

    private static LinkedHashMap<String, String> wanted() {
        LinkedHashMap<String, String> w = new LinkedHashMap<>();
        w.put("ANTHROPIC_BASE_URL", URL);
        w.put("ANTHROPIC_AUTH_TOKEN", TOKEN);
        return w;
    }

    private void write(String s) throws IOException {
        Files.writeString(file, s, StandardCharsets.UTF_8);
    }

    private static JsonObject json(Path p) throws IOException {
        try (var r = Json.createReader(new StringReader(Files.readString(p)))) {
            return r.readObject();
        }
    }

    private static String rich() {
        return RICH;
    }

    @Test
    void keepsHooksPermissionsStatusLineAndOwnEnvWhileAppliedAndRestoresByteIdentical() throws IOException {
        write(rich());
        byte[] before = Files.readAllBytes(file);
        JsonObject orig = json(file);

        ClaudeSettings.ApplyResult r = claude().apply(wanted());
        assertEquals(List.of("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN"), r.written());
        assertTrue(r.changed());
        assertFalse(r.created());

        JsonObject now = json(file);
        for (String k : List.of("$schema", "permissions", "hooks", "statusLine", "model", "cleanupPeriodDays",
                "includeCoAuthoredBy", "note")) {
            assertEquals(orig.get(k), now.get(k), k);
        }
        JsonObject env = now.getJsonObject("env");
        assertEquals("bar", env.getString("FOO"));
        assertEquals("1", env.getString("DEBUG"));
        assertEquals(URL, env.getString("ANTHROPIC_BASE_URL"));
        assertEquals(TOKEN, env.getString("ANTHROPIC_AUTH_TOKEN"));
        assertEquals(List.of("$schema", "env", "permissions", "hooks", "statusLine", "model", "cleanupPeriodDays",
                "includeCoAuthoredBy", "note"), List.copyOf(now.keySet()));
        assertEquals(List.of("FOO", "ANTHROPIC_BASE_URL", "DEBUG", "ANTHROPIC_AUTH_TOKEN"), List.copyOf(env.keySet()));

        ClaudeSettings.RestoreResult rr = claude().restore();
        assertTrue(rr.wasApplied());
        assertEquals(List.of("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN"), rr.reverted());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertFalse(Files.exists(data.resolve(ClaudeSettings.LEDGER_NAME)));
    }

    @Test
    void writesTwoSpaceIndentationKeyOrderAndTrailingNewline() throws IOException {
        write("{\"b\":1,\"a\":{\"z\":[1,2.50,{}],\"y\":[]},\"env\":{\"K\":\"v\"},\"n\":1e5,\"u\":\"é\\u0001\\\"\"}");
        claude().apply(wanted());
        assertEquals("""
                {
                  "b": 1,
                  "a": {
                    "z": [
                      1,
                      2.50,
                      {}
                    ],
                    "y": []
                  },
                  "env": {
                    "K": "v",
                    "ANTHROPIC_BASE_URL": "http://127.0.0.1:9000",
                    "ANTHROPIC_AUTH_TOKEN": "cp-0123456789abcdef0123456789abcdef"
                  },
                  "n": 1e5,
                  "u": "é\\u0001\\""
                }
                """, Files.readString(file));
    }

    @Test
    void restoreIsByteIdenticalEvenForOtherFormatting() throws IOException {
        String odd = "{\r\n    \"env\" : { \"A\" : \"1\" },\r\n    \"x\": [1,2,3], \"n\": -0.0\r\n}";
        write(odd);
        claude().apply(wanted());
        assertTrue(Files.readString(file).contains("\"ANTHROPIC_AUTH_TOKEN\""));
        claude().restore();
        assertEquals(odd, Files.readString(file));
    }

    @Test
    void userEditToAnotherKeyWhileAppliedSurvivesRestore() throws IOException {
        write(rich());
        claude().apply(wanted());
        String applied = Files.readString(file);
        String edited = applied.replace("\"defaultMode\": \"acceptEdits\"", "\"defaultMode\": \"plan\"")
                .replace("\"FOO\": \"bar\",", "\"FOO\": \"bar\",\n    \"NEW\": \"x\",");
        Files.writeString(file, edited);

        ClaudeSettings.RestoreResult rr = claude().restore();
        assertEquals(List.of("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN"), rr.reverted());
        JsonObject now = json(file);
        assertEquals("plan", now.getJsonObject("permissions").getString("defaultMode"));
        JsonObject env = now.getJsonObject("env");
        assertEquals("x", env.getString("NEW"));
        assertEquals("https://old.example", env.getString("ANTHROPIC_BASE_URL"));
        assertFalse(env.containsKey("ANTHROPIC_AUTH_TOKEN"));
        assertEquals(rich().replace("\"defaultMode\": \"acceptEdits\"", "\"defaultMode\": \"plan\"")
                .replace("\"FOO\": \"bar\",", "\"FOO\": \"bar\",\n    \"NEW\": \"x\","), Files.readString(file));
    }

    @Test
    void userEditToOurKeyIsNotClobberedOnRestore() throws IOException {
        write(rich());
        claude().apply(wanted());
        String edited = Files.readString(file)
                .replace("\"ANTHROPIC_BASE_URL\": \"" + URL + "\"", "\"ANTHROPIC_BASE_URL\": \"http://mine:1\"")
                .replace(",\n    \"ANTHROPIC_AUTH_TOKEN\": \"" + TOKEN + "\"", "");
        Files.writeString(file, edited);

        ClaudeSettings.Status st = claude().status();
        assertEquals(List.of(
                new ClaudeSettings.KeyStatus("ANTHROPIC_BASE_URL", ClaudeSettings.KeyState.CHANGED, true),
                new ClaudeSettings.KeyStatus("ANTHROPIC_AUTH_TOKEN", ClaudeSettings.KeyState.REMOVED, false)), st.keys());

        ClaudeSettings.RestoreResult rr = claude().restore();
        assertEquals(List.of(), rr.reverted());
        assertEquals(List.of("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN"), rr.keptUser());
        JsonObject env = json(file).getJsonObject("env");
        assertEquals("http://mine:1", env.getString("ANTHROPIC_BASE_URL"));
        assertFalse(env.containsKey("ANTHROPIC_AUTH_TOKEN"));
    }

    @Test
    void malformedJsonIsLeftByteIdenticalWithLineAndColumn() throws IOException {
        String bad = "{\n  \"env\": {\n    \"ANTHROPIC_API_KEY\": \"sk-ant-very-secret\",\n  }\n}\n";
        write(bad);
        ClaudeSettingsException e = assertThrows(ClaudeSettingsException.class, () -> claude().apply(wanted()));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("line 4, column"), e.getMessage());
        assertEquals(4, e.line());
        assertTrue(e.column() > 0);
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
        assertEquals(bad, Files.readString(file));
        assertFalse(Files.exists(data.resolve(ClaudeSettings.LEDGER_NAME)));
        assertFalse(Files.exists(config.resolve("settings.json.backup")));
        assertEquals(List.of(file.getFileName().toString()), list(config));
    }

    @Test
    void unterminatedStringDoesNotLeakItsContent() throws IOException {
        write("{\"env\": {\"ANTHROPIC_AUTH_TOKEN\": \"sk-live-abcdef");
        ClaudeSettingsException e = assertThrows(ClaudeSettingsException.class, () -> claude().apply(wanted()));
        assertTrue(e.getMessage().contains("line 1, column"), e.getMessage());
        assertFalse(e.getMessage().contains("abcdef"), e.getMessage());
    }

    @Test
    void malformedWhileAppliedIsNotOverwrittenAndRestoreWorksOnceFixed() throws IOException {
        write(rich());
        claude().apply(wanted());
        String applied = Files.readString(file);
        String broken = applied.replace("\"model\": \"opus\",", "\"model\": \"opus\"");
        Files.writeString(file, broken);
        ClaudeSettingsException e = assertThrows(ClaudeSettingsException.class, () -> claude().restore());
        assertTrue(e.getMessage().matches("(?s).*line \\d+, column \\d+.*"), e.getMessage());
        assertEquals(broken, Files.readString(file));
        assertTrue(claude().applied());
        assertNotNull(claude().status().problem());
        assertEquals(ClaudeSettings.KeyState.UNKNOWN, claude().status().keys().getFirst().state());

        Files.writeString(file, applied);
        claude().restore();
        assertEquals(rich(), Files.readString(file));
    }

    @Test
    void topLevelNotAnObjectOrEnvNotAnObjectIsRefused() throws IOException {
        write("[1, 2]\n");
        ClaudeSettingsException a = assertThrows(ClaudeSettingsException.class, () -> claude().apply(wanted()));
        assertTrue(a.getMessage().contains("top level is an array"), a.getMessage());
        assertEquals("[1, 2]\n", Files.readString(file));

        write("{\"env\": [\"A=1\"]}\n");
        ClaudeSettingsException b = assertThrows(ClaudeSettingsException.class, () -> claude().apply(wanted()));
        assertTrue(b.getMessage().contains("\"env\" is an array, expected an object"), b.getMessage());
        assertEquals("{\"env\": [\"A=1\"]}\n", Files.readString(file));

        write("{\"a\": 1} {\"b\": 2}");
        assertThrows(ClaudeSettingsException.class, () -> claude().apply(wanted()));
        assertEquals("{\"a\": 1} {\"b\": 2}", Files.readString(file));
        assertFalse(claude().applied());
    }

    @Test
    void duplicateKeysAreRefused() throws IOException {
        String dup = "{\n  \"model\": \"opus\",\n  \"model\": \"sonnet\"\n}\n";
        write(dup);
        ClaudeSettingsException e = assertThrows(ClaudeSettingsException.class, () -> claude().apply(wanted()));
        assertTrue(e.getMessage().contains("duplicate key \"model\" at line 3"), e.getMessage());
        assertEquals(dup, Files.readString(file));
    }

    @Test
    void crashRecoveryRestoresWithANewInstance() throws IOException {
        write(rich());
        byte[] before = Files.readAllBytes(file);
        new ClaudeSettings(config, data).apply(wanted());
        // the process dies here: no restore

        ClaudeSettings next = new ClaudeSettings(config, data);
        assertTrue(next.applied());
        Optional<ClaudeSettings.RestoreResult> r = next.recoverIfNeeded();
        assertTrue(r.isPresent());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertFalse(next.applied());
        assertTrue(next.recoverIfNeeded().isEmpty());

        // the next apply starts from the original values
        next.apply(wanted());
        next.restore();
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void crashBetweenLedgerAndSettingsWriteIsRecoverable() throws IOException {
        write(rich().replace("\"model\": \"opus\",", "\"model\": \"opus\",\n  \"apiKeyHelper\": \"~/bin/key.sh\","));
        byte[] before = Files.readAllBytes(file);
        claude().apply(wanted());
        // as if the settings write had never happened: the ledger is there, the file is the user's
        Files.write(file, before);
        assertTrue(claude().recoverIfNeeded().isPresent());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void apiKeyAndApiKeyHelperAreSetAsideAndPutBackInPlace() throws IOException {
        String orig = rich()
                .replace("\"FOO\": \"bar\",", "\"FOO\": \"bar\",\n    \"ANTHROPIC_API_KEY\": \"sk-ant-user-key-123\",")
                .replace("\"model\": \"opus\",", "\"model\": \"opus\",\n  \"apiKeyHelper\": \"~/bin/key.sh\",");
        write(orig);
        ClaudeSettings.ApplyResult r = claude().apply(wanted());
        assertEquals(List.of("env.ANTHROPIC_API_KEY", "apiKeyHelper"), r.setAside());
        assertFalse(r.toString().contains("sk-ant-user-key-123"));
        JsonObject now = json(file);
        assertFalse(now.containsKey("apiKeyHelper"));
        assertFalse(now.getJsonObject("env").containsKey("ANTHROPIC_API_KEY"));
        assertEquals(List.of("env.ANTHROPIC_API_KEY", "apiKeyHelper"), claude().status().setAside());

        ClaudeSettings.RestoreResult rr = claude().restore();
        assertEquals(List.of("env.ANTHROPIC_API_KEY", "apiKeyHelper"), rr.putBack());
        assertEquals(orig, Files.readString(file));
    }

    @Test
    void setAsideKeyTheUserSetAgainIsNotPutBack() throws IOException {
        write("{\n  \"apiKeyHelper\": \"old.sh\",\n  \"env\": {\n    \"ANTHROPIC_API_KEY\": \"sk-old\"\n  }\n}\n");
        claude().apply(wanted());
        String edited = Files.readString(file).replace("{\n  \"env\"", "{\n  \"apiKeyHelper\": \"new.sh\",\n  \"env\"");
        Files.writeString(file, edited);
        ClaudeSettings.RestoreResult rr = claude().restore();
        assertEquals(List.of("env.ANTHROPIC_API_KEY"), rr.putBack());
        assertEquals(List.of("apiKeyHelper"), rr.notPutBack());
        assertEquals("{\n  \"apiKeyHelper\": \"new.sh\",\n  \"env\": {\n    \"ANTHROPIC_API_KEY\": \"sk-old\"\n  }\n}\n",
                Files.readString(file));
    }

    @Test
    void noFileIsCreatedAndRemovedAgain() throws IOException {
        Files.delete(config);
        ClaudeSettings.ApplyResult r = claude().apply(wanted());
        assertTrue(r.created());
        assertNull(r.backup());
        assertEquals("{\n  \"env\": {\n    \"ANTHROPIC_BASE_URL\": \"" + URL + "\",\n    \"ANTHROPIC_AUTH_TOKEN\": \""
                + TOKEN + "\"\n  }\n}\n", Files.readString(file));
        if (FileOps.POSIX) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        ClaudeSettings.RestoreResult rr = claude().restore();
        assertTrue(rr.fileRemoved());
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(config), "the directory the proxy created is removed when empty");
    }

    @Test
    void createdFileIsKeptWhenTheUserAddedSomething() throws IOException {
        claude().apply(wanted());
        Files.writeString(file, Files.readString(file).replace("{\n  \"env\"", "{\n  \"model\": \"opus\",\n  \"env\""));
        ClaudeSettings.RestoreResult rr = claude().restore();
        assertFalse(rr.fileRemoved());
        assertEquals("{\n  \"model\": \"opus\"\n}\n", Files.readString(file));
    }

    @Test
    void envTheProxyCreatedIsRemovedWhenEmpty() throws IOException {
        write("{\n  \"model\": \"opus\"\n}\n");
        claude().apply(wanted());
        assertTrue(json(file).containsKey("env"));
        claude().restore();
        assertEquals("{\n  \"model\": \"opus\"\n}\n", Files.readString(file));

        write("{\n  \"env\": {},\n  \"model\": \"opus\"\n}\n");
        claude().apply(wanted());
        claude().restore();
        assertEquals("{\n  \"env\": {},\n  \"model\": \"opus\"\n}\n", Files.readString(file));
    }

    @Test
    void fileModeIsKept() throws IOException {
        if (!FileOps.POSIX) {
            return;
        }
        write(rich());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        claude().apply(wanted());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-r-----", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(config.resolve("settings.json.backup"))));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve(ClaudeSettings.LEDGER_NAME))));
        claude().restore();
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of("settings.json", "settings.json.backup"), list(config), "no temporary files left");
    }

    @Test
    void symlinkStaysALinkAndItsTargetIsUpdated() throws IOException {
        Path dotfiles = Files.createDirectories(tmp.resolve("home/dotfiles"));
        Path real = dotfiles.resolve("claude.json");
        Files.writeString(real, rich());
        Files.createSymbolicLink(file, Path.of("../dotfiles/claude.json"));

        claude().apply(wanted());
        assertTrue(Files.isSymbolicLink(file));
        assertEquals(Path.of("../dotfiles/claude.json"), Files.readSymbolicLink(file));
        assertEquals(TOKEN, json(real).getJsonObject("env").getString("ANTHROPIC_AUTH_TOKEN"));
        assertEquals(rich(), Files.readString(config.resolve("settings.json.backup")));
        assertEquals(real.toRealPath(), claude().status().realFile());
        assertEquals(List.of("claude.json"), list(dotfiles));

        claude().restore();
        assertTrue(Files.isSymbolicLink(file));
        assertEquals(rich(), Files.readString(real));
    }

    @Test
    void danglingSymlinkTargetIsCreatedAndRemoved() throws IOException {
        Path dotfiles = Files.createDirectories(tmp.resolve("home/dotfiles"));
        Files.createSymbolicLink(file, Path.of("../dotfiles/claude.json"));
        claude().apply(wanted());
        assertTrue(Files.isSymbolicLink(file));
        assertTrue(Files.exists(dotfiles.resolve("claude.json")));
        claude().restore();
        assertTrue(Files.isSymbolicLink(file));
        assertFalse(Files.exists(dotfiles.resolve("claude.json")));
    }

    @Test
    void backupIsCreatedOnceAndNotOverwrittenWithAModifiedFile() throws IOException {
        write(rich());
        Path backup = config.resolve("settings.json.backup");
        ClaudeSettings.ApplyResult first = claude().apply(wanted());
        assertEquals(backup, first.backup());
        assertEquals(rich(), Files.readString(backup));

        LinkedHashMap<String, String> again = wanted();
        again.put("ANTHROPIC_AUTH_TOKEN", "cp-another-token-aaaaaaaaaaaaaaaaaaaaaaaa");
        ClaudeSettings.ApplyResult second = claude().apply(again);
        assertNull(second.backup());
        assertEquals(rich(), Files.readString(backup));

        claude().restore();
        assertEquals(rich(), Files.readString(file));
    }

    @Test
    void reapplyRevertsKeysNoLongerWantedAndKeepsTheOriginalPrevious() throws IOException {
        write(rich());
        LinkedHashMap<String, String> w = wanted();
        w.put("ANTHROPIC_MODEL", "claude-opus-4-8");
        w.put("API_TIMEOUT_MS", "3000000");
        claude().apply(w);
        assertEquals("claude-opus-4-8", json(file).getJsonObject("env").getString("ANTHROPIC_MODEL"));

        LinkedHashMap<String, String> w2 = wanted();
        w2.put("ANTHROPIC_BASE_URL", "http://127.0.0.1:9001");
        w2.put("API_TIMEOUT_MS", "3000000");
        ClaudeSettings.ApplyResult r = claude().apply(w2);
        assertEquals(List.of("ANTHROPIC_MODEL"), r.reverted());
        assertEquals(List.of("ANTHROPIC_BASE_URL"), r.written());
        assertEquals(List.of("ANTHROPIC_AUTH_TOKEN", "API_TIMEOUT_MS"), r.unchanged());
        JsonObject env = json(file).getJsonObject("env");
        assertFalse(env.containsKey("ANTHROPIC_MODEL"));
        assertEquals("http://127.0.0.1:9001", env.getString("ANTHROPIC_BASE_URL"));

        ClaudeSettings.ApplyResult same = claude().apply(w2);
        assertFalse(same.changed());

        claude().restore();
        assertEquals(rich(), Files.readString(file));
    }

    @Test
    void ledgerRecordsPreviousAndWrittenValuesBeforeTheFileChanges() throws IOException {
        write(rich());
        claude().apply(wanted());
        JsonObject ledger = json(data.resolve(ClaudeSettings.LEDGER_NAME));
        assertEquals(1, ledger.getInt("format"));
        assertEquals(file.toString(), ledger.getString("target"));
        assertTrue(ledger.getBoolean("fileExisted"));
        assertTrue(ledger.getBoolean("envExisted"));
        JsonObject keys = ledger.getJsonObject("keys");
        assertEquals("https://old.example", keys.getJsonObject("ANTHROPIC_BASE_URL").getString("previous"));
        assertEquals(URL, keys.getJsonObject("ANTHROPIC_BASE_URL").getString("written"));
        assertFalse(keys.getJsonObject("ANTHROPIC_AUTH_TOKEN").containsKey("previous"));
        assertEquals(config.resolve("settings.json.backup").toString(), ledger.getString("backup"));
    }

    @Test
    void aStaleLedgerValueFromAnInterruptedReapplyIsStillRecognisedAsOurs() throws IOException {
        write(rich());
        claude().apply(wanted());
        // what an interrupted second apply leaves: the ledger names the new token and "replacing" the old one,
        // the file still has the old one
        Path ledger = data.resolve(ClaudeSettings.LEDGER_NAME);
        String l = Files.readString(ledger).replace("\"written\": \"" + TOKEN + "\"",
                "\"written\": \"cp-new\",\n      \"replacing\": \"" + TOKEN + "\"");
        Files.writeString(ledger, l);
        claude().restore();
        assertEquals(rich(), Files.readString(file));
    }

    @Test
    void ledgerForAnotherDirectoryIsRestoredBeforeApplyingHere() throws IOException {
        write(rich());
        claude().apply(wanted());
        Path other = Files.createDirectories(tmp.resolve("other"));
        new ClaudeSettings(other, data).apply(wanted());
        assertEquals(rich(), Files.readString(file));
        assertTrue(Files.exists(other.resolve("settings.json")));
        new ClaudeSettings(other, data).restore();
        assertFalse(Files.exists(other.resolve("settings.json")));
    }

    @Test
    void emptyFileCountsAsEmptyObjectAndComesBackEmpty() throws IOException {
        write("");
        claude().apply(wanted());
        assertTrue(json(file).containsKey("env"));
        claude().restore();
        assertEquals("", Files.readString(file));
    }

    @Test
    void statusReportsStateWithoutWriting() throws IOException {
        ClaudeSettings.Status s = claude().status();
        assertFalse(s.applied());
        assertFalse(s.fileExists());
        assertEquals(file, s.file());
        assertFalse(Files.exists(data), "status creates nothing");

        write(rich());
        claude().apply(wanted());
        s = claude().status();
        assertTrue(s.applied());
        assertTrue(s.fileExists());
        assertNull(s.problem());
        assertEquals(List.of(
                new ClaudeSettings.KeyStatus("ANTHROPIC_BASE_URL", ClaudeSettings.KeyState.OURS, true),
                new ClaudeSettings.KeyStatus("ANTHROPIC_AUTH_TOKEN", ClaudeSettings.KeyState.OURS, false)), s.keys());
        assertEquals(config.resolve("settings.json.backup"), s.backup());
        assertFalse(s.toString().contains(TOKEN));
    }

    @Test
    void restoreWithoutLedgerDoesNothing() throws IOException {
        write(rich());
        ClaudeSettings.RestoreResult r = claude().restore();
        assertFalse(r.wasApplied());
        assertEquals(rich(), Files.readString(file));
    }

    @Test
    void fileDeletedWhileAppliedIsNotRecreated() throws IOException {
        write("{\n  \"apiKeyHelper\": \"x.sh\"\n}\n");
        claude().apply(wanted());
        Files.delete(file);
        ClaudeSettings.RestoreResult r = claude().restore();
        assertTrue(r.fileMissing());
        assertEquals(List.of("apiKeyHelper"), r.notPutBack());
        assertFalse(Files.exists(file));
        assertFalse(claude().applied());
    }

    @Test
    void setAsideKeyCannotBeWanted() {
        LinkedHashMap<String, String> w = wanted();
        w.put("ANTHROPIC_API_KEY", "x");
        assertThrows(IllegalArgumentException.class, () -> claude().apply(w));
    }

    @Test
    void resolveDir() {
        Path home = tmp.resolve("home");
        assertEquals(home.resolve(".claude"), ClaudeSettings.resolveDir(null, Map.of(), home));
        assertEquals(home.resolve(".claude"), ClaudeSettings.resolveDir(" ", Map.of("CLAUDE_CONFIG_DIR", ""), home));
        assertEquals(tmp.resolve("cc"), ClaudeSettings.resolveDir(null, Map.of("CLAUDE_CONFIG_DIR", tmp.resolve("cc").toString()), home));
        assertEquals(tmp.resolve("flag"), ClaudeSettings.resolveDir(tmp.resolve("flag").toString(),
                Map.of("CLAUDE_CONFIG_DIR", tmp.resolve("cc").toString()), home));
        assertEquals(Path.of("/h"), ClaudeSettings.userHome(Map.of("HOME", "/h", "USERPROFILE", "/h")));
    }

    private static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
