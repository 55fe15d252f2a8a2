package dev.codeproxy.app;

import dev.codeproxy.claude.ClaudeSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server points Claude Code at itself on start and puts settings.json back on stop. */
class ClaudeServeTest {
    @TempDir
    Path tmp;

    private static final String ORIGINAL = """
            {
              "hooks": {
                "PreToolUse": [
                  { "matcher": "Bash", "hooks": [ { "type": "command", "command": "echo hi" } ] }
                ]
              },
              "permissions": {
                "allow": ["Bash(ls:*)"]
              },
              "statusLine": { "type": "command", "command": "~/bin/status" },
              "env": {
                "MY_OWN": "keep",
                "ANTHROPIC_API_KEY": "sk-ant-user-own-key"
              },
              "apiKeyHelper": "~/bin/key.sh"
            }
            """;

    @Test
    void startAppliesAndStopRestoresByteForByte() throws Exception {
        Path claude = Files.createDirectories(tmp.resolve("claude"));
        Path settings = claude.resolve("settings.json");
        Files.writeString(settings, ORIGINAL);
        ByteArrayOutputStream notices = new ByteArrayOutputStream();
        ProxyServer server = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(tmp.resolve("data"))
                .host("127.0.0.1")
                .port(0)
                .clientToken(TestProxy.TOKEN)
                .claudeConfigDir(claude)
                .notices(new PrintStream(notices, true, StandardCharsets.UTF_8))
                .build());
        try {
            String during = Files.readString(settings);
            assertTrue(during.contains("\"ANTHROPIC_BASE_URL\": \"http://127.0.0.1:" + server.port() + "\""), during);
            assertTrue(during.contains("\"ANTHROPIC_AUTH_TOKEN\": \"" + TestProxy.TOKEN + "\""), during);
            assertTrue(during.contains("\"MY_OWN\": \"keep\"") && during.contains("\"PreToolUse\""), during);
            assertFalse(during.contains("ANTHROPIC_API_KEY") || during.contains("apiKeyHelper"),
                    "credentials that would bypass the proxy are set aside: " + during);
            String said = notices.toString(StandardCharsets.UTF_8);
            assertTrue(said.contains("set aside") && !said.contains(TestProxy.TOKEN), said);
        } finally {
            server.shutdown(Duration.ZERO);
        }
        assertArrayEquals(ORIGINAL.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(settings));
    }

    @Test
    void aRunThatDiedIsRepairedOnTheNextStart() throws Exception {
        Path claude = Files.createDirectories(tmp.resolve("claude"));
        Path settings = claude.resolve("settings.json");
        Files.writeString(settings, ORIGINAL);
        Path data = tmp.resolve("data");
        // a run that applies and then dies without restoring (as after kill -9)
        new ClaudeSettings(claude, data).apply(new LinkedHashMap<>(Map.of(
                "ANTHROPIC_BASE_URL", "http://127.0.0.1:1", "ANTHROPIC_AUTH_TOKEN", "cp-old-run-token-000000")));
        assertTrue(Files.readString(settings).contains("127.0.0.1:1"));
        ByteArrayOutputStream notices = new ByteArrayOutputStream();
        ProxyServer server = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(data)
                .host("127.0.0.1")
                .port(0)
                .clientToken(TestProxy.TOKEN)
                .claudeConfigDir(claude)
                .notices(new PrintStream(notices, true, StandardCharsets.UTF_8))
                .build());
        try {
            assertTrue(notices.toString(StandardCharsets.UTF_8).contains("restored"), notices.toString());
            assertFalse(Files.readString(settings).contains("127.0.0.1:1\""));
        } finally {
            server.shutdown(Duration.ZERO);
        }
        assertArrayEquals(ORIGINAL.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(settings));
    }

    @Test
    void malformedSettingsAreLeftAloneAndTheProxyRuns() throws Exception {
        Path claude = Files.createDirectories(tmp.resolve("claude"));
        Path settings = claude.resolve("settings.json");
        Files.writeString(settings, "{\n  \"env\": {\n    \"A\": 1,\n  }\n}\n");
        byte[] before = Files.readAllBytes(settings);
        ByteArrayOutputStream notices = new ByteArrayOutputStream();
        ProxyServer server = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(tmp.resolve("data"))
                .host("127.0.0.1")
                .port(0)
                .clientToken(TestProxy.TOKEN)
                .claudeConfigDir(claude)
                .notices(new PrintStream(notices, true, StandardCharsets.UTF_8))
                .build());
        try {
            String said = notices.toString(StandardCharsets.UTF_8);
            assertTrue(said.contains("left Claude Code's settings untouched") && said.contains("line 4"), said);
            assertTrue(server.port() > 0);
        } finally {
            server.shutdown(Duration.ZERO);
        }
        assertArrayEquals(before, Files.readAllBytes(settings));
    }
}
