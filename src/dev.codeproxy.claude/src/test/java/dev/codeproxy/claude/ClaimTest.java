package dev.codeproxy.claude;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two data directories, one settings file: the claim names who holds it, a running holder is
 * never overruled, a holder that is gone is taken back first, and the claim file exists only
 * while the settings are held. "Running" is a set here; the server asks its data-directory locks.
 */
class ClaimTest {
    @TempDir
    Path tmp;

    final Set<Path> running = ConcurrentHashMap.newKeySet();

    ClaudeSettings instance(Path config, String name, int port) {
        Path data = tmp.resolve("data-" + name);
        return new ClaudeSettings(config, data, new ClaudeSettings.Owner(port - 8000, "http://127.0.0.1:" + port,
                dir -> running.contains(dir.toAbsolutePath().normalize())));
    }

    static LinkedHashMap<String, String> wanted(int port) {
        LinkedHashMap<String, String> w = new LinkedHashMap<>();
        w.put(ClaudeEnv.BASE_URL, "http://127.0.0.1:" + port);
        w.put(ClaudeEnv.AUTH_TOKEN, "cp-token-" + port);
        return w;
    }

    @Test
    void aRunningHolderIsNamedAndLeftAloneAGoneOneIsTakenBack() throws Exception {
        Path config = tmp.resolve("claude");
        Files.createDirectories(config);
        Path settings = config.resolve("settings.json");
        Files.writeString(settings, "{ \"env\": {\"ANTHROPIC_BASE_URL\": \"https://gw.example\"},\n\"x\": 1 }\n");
        byte[] original = Files.readAllBytes(settings);
        ClaudeSettings a = instance(config, "a", 9001);
        ClaudeSettings b = instance(config, "b", 9002);

        running.add(tmp.resolve("data-a"));
        a.apply(wanted(9001));
        Path claim = config.resolve("settings.json.code-proxy");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(claim)));
        String claimText = Files.readString(claim);
        assertTrue(claimText.contains(tmp.resolve("data-a").toString()) && claimText.contains("http://127.0.0.1:9001")
                && claimText.contains("1001"), claimText);
        assertFalse(claimText.contains("cp-token"), "no secret in the claim");
        byte[] held = Files.readAllBytes(settings);

        running.add(tmp.resolve("data-b"));
        HeldByAnotherProxy refused = assertThrows(HeldByAnotherProxy.class, () -> b.apply(wanted(9002)));
        assertTrue(refused.getMessage().contains("pid 1001, http://127.0.0.1:9001, data directory "
                + tmp.resolve("data-a")), refused.getMessage());
        assertEquals(1001, refused.pid());
        assertArrayEquals(held, Files.readAllBytes(settings), "nothing written");
        assertTrue(b.restoreAbandoned().isEmpty(), "a running holder's file is not taken back");
        assertArrayEquals(held, Files.readAllBytes(settings));

        // a is gone (crashed: its ledger and the claim stay): b's apply restores first, then points here
        running.remove(tmp.resolve("data-a"));
        ClaudeSettings.ApplyResult r = b.apply(wanted(9002));
        assertTrue(r.abandoned() != null && r.abandoned().contains("http://127.0.0.1:9001"), String.valueOf(r));
        assertFalse(Files.exists(tmp.resolve("data-a").resolve(ClaudeSettings.LEDGER_NAME)), "a's ledger is used up");
        assertTrue(Files.readString(settings).contains("http://127.0.0.1:9002"));
        assertTrue(Files.readString(claim).contains("data-b"));

        // a starts again: its own recovery finds nothing, its apply is refused while b runs
        assertTrue(a.recoverIfNeeded().isEmpty());
        running.add(tmp.resolve("data-a"));
        assertThrows(HeldByAnotherProxy.class, () -> a.apply(wanted(9001)));
        // a's stop restores nothing of b's
        assertFalse(a.restore().wasApplied());
        b.restore();
        assertArrayEquals(original, Files.readAllBytes(settings), new String(Files.readAllBytes(settings),
                StandardCharsets.UTF_8));
        assertFalse(Files.exists(claim), "the claim goes with the last holder");
    }

    @Test
    void aStopOfANonHolderTakesBackWhatACrashedHolderLeft() throws Exception {
        Path config = tmp.resolve("claude");
        Files.createDirectories(config);
        Path settings = config.resolve("settings.json");
        Files.writeString(settings, "{\"a\":1}");
        byte[] original = Files.readAllBytes(settings);
        ClaudeSettings a = instance(config, "a", 9001);
        ClaudeSettings b = instance(config, "b", 9002);
        running.add(tmp.resolve("data-a"));
        a.apply(wanted(9001));
        running.add(tmp.resolve("data-b"));
        assertThrows(HeldByAnotherProxy.class, () -> b.apply(wanted(9002)));
        running.remove(tmp.resolve("data-a")); // kill -9
        assertTrue(b.restoreAbandoned().orElseThrow().contains("data-a"));
        assertArrayEquals(original, Files.readAllBytes(settings));
        assertFalse(Files.exists(config.resolve("settings.json.code-proxy")));
    }

    @Test
    void aConfigDirectoryCreatedForTheProxyGoesAgainAndARefusedApplyLeavesNone() throws Exception {
        Path config = tmp.resolve("new-claude");
        ClaudeSettings a = instance(config, "a", 9001);
        running.add(tmp.resolve("data-a"));
        a.apply(wanted(9001));
        assertTrue(Files.exists(config.resolve("settings.json")));
        a.restore();
        assertFalse(Files.exists(config), "the directory the proxy created is gone, claim and all");

        // the claim of a file that cannot be applied (malformed) is not left behind either
        Files.createDirectories(config);
        Files.writeString(config.resolve("settings.json"), "{ not json");
        assertThrows(ClaudeSettingsException.class, () -> a.apply(wanted(9001)));
        assertFalse(Files.exists(config.resolve("settings.json.code-proxy")));
        assertNull(Claim.parse(new byte[0]));
    }
}
