package dev.codeproxy.claude;

import dev.codeproxy.core.settings.ConfigSource;
import dev.codeproxy.core.settings.Settings;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A running proxy's life with Claude Code's settings.json, on real files: pointed at start, moved
 * with the listener, put back byte for byte at stop, and the notices it prints on the way.
 */
class ClaudeLifecycleTest {
    private static final String TOKEN = "cp-lifecycle0123456789abcdef01234567";
    /** The user's own file, with formatting Code Proxy would not write itself. */
    private static final String USER_FILE = """
            {"model":"opus",   "env": {"FOO": "bar", "ANTHROPIC_BASE_URL": "https://old.example"},
              "permissions": {"allow": ["Bash(ls)"]}
            }
            """;

    @TempDir
    Path tmp;
    Path config;
    Path data;
    Path file;
    final AtomicReference<String> url = new AtomicReference<>("http://127.0.0.1:9000");
    final ByteArrayOutputStream said = new ByteArrayOutputStream();
    Settings settings = Settings.DEFAULTS;

    @BeforeEach
    void setUp() throws IOException {
        config = Files.createDirectories(tmp.resolve("claude"));
        data = Files.createDirectories(tmp.resolve("data"));
        file = config.resolve(ClaudeSettings.FILE_NAME);
    }

    /** A lifecycle as the server builds it; the settings are read live, as from the snapshot. */
    private ClaudeLifecycle lifecycle() {
        return lifecycle(config);
    }

    private ClaudeLifecycle lifecycle(Path configDir) {
        ConfigSource live = new ConfigSource() {
            @Override
            public Settings settings() {
                return settings;
            }

            @Override
            public List<dev.codeproxy.core.endpoint.Endpoint> endpoints() {
                return List.of();
            }
        };
        return new ClaudeLifecycle(configDir, data, new ClaudeLifecycle.Proxy(live, url::get, TOKEN, dir -> false),
                new PrintStream(said, true, StandardCharsets.UTF_8));
    }

    private String notices() {
        return said.toString(StandardCharsets.UTF_8);
    }

    private JsonObject env() throws IOException {
        try (var r = Json.createReader(new StringReader(Files.readString(file)))) {
            return r.readObject().getJsonObject("env");
        }
    }

    @Test
    void startPointsClaudeCodeHereAndStopPutsTheFileBackByteForByte() throws IOException {
        Files.writeString(file, USER_FILE);
        byte[] before = Files.readAllBytes(file);
        ClaudeLifecycle life = lifecycle();

        life.start();
        assertTrue(life.pointed());
        assertEquals("http://127.0.0.1:9000", env().getString(ClaudeEnv.BASE_URL));
        assertEquals(TOKEN, env().getString(ClaudeEnv.AUTH_TOKEN));
        assertEquals("bar", env().getString("FOO"), "the user's own env stays");
        assertTrue(notices().contains("code-proxy: Claude Code now uses this proxy (" + file + ": env "
                + ClaudeEnv.BASE_URL), notices());
        assertTrue(notices().contains("restored when the proxy stops"), notices());
        assertFalse(notices().contains(TOKEN), "the client token is never printed: " + notices());

        life.stop();
        assertFalse(life.pointed());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertFalse(Files.exists(data.resolve(ClaudeSettings.LEDGER_NAME)), "the ledger goes with the restore");
    }

    @Test
    void theLedgerLockIsCreatedOwnerOnly() throws IOException {
        lifecycle().start();
        Path lock = data.resolve(LedgerLock.NAME);
        assertTrue(Files.exists(lock));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(lock)));
    }

    @Test
    void afterTheListenerMovedClaudeCodeFollowsAndStopStillRestoresTheOriginal() throws IOException {
        Files.writeString(file, USER_FILE);
        byte[] before = Files.readAllBytes(file);
        ClaudeLifecycle life = lifecycle();
        life.start();

        url.set("http://127.0.0.1:9123");
        life.moved();
        assertEquals("http://127.0.0.1:9123", env().getString(ClaudeEnv.BASE_URL));
        assertTrue(life.pointed());

        life.stop();
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void aMoveLeavesTheFileAloneWhenThisProxyDidNotPointIt() throws IOException {
        settings = Settings.DEFAULTS.with(Map.of("claudeConfig", "false"));
        Files.writeString(file, USER_FILE);
        ClaudeLifecycle life = lifecycle();
        life.start();
        assertFalse(life.pointed());
        url.set("http://127.0.0.1:9123");
        life.moved();
        life.stop();
        assertEquals(USER_FILE, Files.readString(file));
        assertEquals("", notices(), "nothing to say when the integration's setting is off");
    }

    @Test
    void whatTheUserChangedMeanwhileSurvivesTheRestore() throws IOException {
        Files.writeString(file, USER_FILE);
        ClaudeLifecycle life = lifecycle();
        life.start();

        // the user edits the file while the proxy runs: their own key, and one of the proxy's
        String pointed = Files.readString(file);
        String edited = pointed.replace("\"FOO\": \"bar\"", "\"FOO\": \"baz\"")
                .replace(TOKEN, "their-own-token");
        assertTrue(!edited.equals(pointed) && edited.contains("their-own-token"), edited);
        Files.writeString(file, edited);

        life.stop();
        JsonObject env = env();
        assertEquals("baz", env.getString("FOO"), "the user's edit is kept");
        assertEquals("their-own-token", env.getString(ClaudeEnv.AUTH_TOKEN), "a key the user took over is theirs");
        assertEquals("https://old.example", env.getString(ClaudeEnv.BASE_URL), "the proxy's own value is reverted");
    }

    @Test
    void aMissingFileIsCreatedForTheRunAndRemovedAtStop() throws IOException {
        assertFalse(Files.exists(file));
        ClaudeLifecycle life = lifecycle();
        life.start();
        assertTrue(Files.exists(file));
        assertEquals("http://127.0.0.1:9000", env().getString(ClaudeEnv.BASE_URL));

        life.stop();
        assertFalse(Files.exists(file), "the file the proxy created goes again");
    }

    @Test
    void anInvalidFileIsLeftUntouchedWithANoticeThatSaysWhere() throws IOException {
        String bad = "{\n  \"env\": {\n    \"ANTHROPIC_API_KEY\": \"sk-ant-very-secret\",\n  }\n}\n";
        Files.writeString(file, bad);
        ClaudeLifecycle life = lifecycle();

        life.start();
        assertFalse(life.pointed());
        assertEquals(bad, Files.readString(file));
        String n = notices();
        assertTrue(n.startsWith("code-proxy: left Claude Code's settings untouched: "), n);
        assertTrue(n.contains(file.toString()) && n.contains("line 4"), n);
        assertFalse(n.contains("very-secret"), "a value from the file is never printed: " + n);

        life.stop();
        assertEquals(bad, Files.readString(file));
    }

    @Test
    void aRunThatEndedAbruptlyIsRestoredByTheNextStart() throws IOException {
        Files.writeString(file, USER_FILE);
        byte[] before = Files.readAllBytes(file);
        ClaudeLifecycle crashed = lifecycle();
        crashed.start();
        crashed.forget();
        crashed.stop();
        assertFalse(Files.readString(file).contains("https://old.example\""),
                "forgotten: the stop of a crashed run leaves the file pointed at it");

        settings = Settings.DEFAULTS.with(Map.of("claudeConfig", "false"));
        said.reset();
        lifecycle().start();
        assertArrayEquals(before, Files.readAllBytes(file));
        assertTrue(notices().contains("code-proxy: restored " + file
                + " left changed by an earlier run that did not stop cleanly"), notices());
    }

    @Test
    void applyAndRestoreOnRequest() throws IOException {
        Files.writeString(file, USER_FILE);
        byte[] before = Files.readAllBytes(file);
        settings = Settings.DEFAULTS.with(Map.of("claudeConfig", "false"));
        ClaudeLifecycle life = lifecycle();
        life.start();
        assertFalse(life.pointed());

        var applied = life.apply();
        assertTrue(applied.written().contains(ClaudeEnv.BASE_URL), applied.toString());
        assertTrue(life.pointed(), "applied on request: restored when the proxy stops");

        var restored = life.restore();
        assertTrue(restored.wasApplied());
        assertFalse(life.pointed());
        assertArrayEquals(before, Files.readAllBytes(file));

        life.apply();
        life.stop();
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void withoutAConfigDirectoryTheIntegrationIsOffAndTouchesNothing() throws IOException {
        Files.writeString(file, USER_FILE);
        ClaudeLifecycle off = lifecycle(null);
        assertFalse(off.enabled());
        assertTrue(off.settings().isEmpty());
        off.start();
        off.moved();
        off.stop();
        assertEquals(USER_FILE, Files.readString(file));
        assertEquals("", notices());
        var e = assertThrows(IllegalStateException.class, off::apply);
        assertEquals("the Claude Code integration is off", e.getMessage());
        assertThrows(IllegalStateException.class, off::restore);
    }

    @Test
    void aFileThatCannotBeRestoredBecomesANoticeNamingTheCommandThatDoes() throws IOException {
        Files.writeString(file, USER_FILE);
        ClaudeLifecycle life = lifecycle();
        life.start();
        // the settings directory is replaced by a file: nothing can be written there any more
        Files.delete(file);
        try (var s = Files.list(config)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(config);
        Files.writeString(config, "not a directory");

        life.stop();
        assertTrue(notices().contains("code-proxy: could not restore Claude Code's settings: "), notices());
        assertTrue(notices().contains("(run: code-proxy claude restore)"), notices());
    }
}
