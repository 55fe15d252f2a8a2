package dev.codeproxy.claude;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.settings.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClaudeEnvTest {
    private static Endpoint ep(long id, int priority, boolean enabled, boolean quiet) {
        return new Endpoint(id, "e" + id, "", enabled, priority, 1, "https://x" + id, "k", AuthStyle.X_API_KEY,
                Endpoint.DEFAULT_TIMEOUT_MS, ModelMap.EMPTY, quiet);
    }

    @Test
    void defaultsWriteOnlyUrlAndToken() {
        assertEquals(Map.of("ANTHROPIC_BASE_URL", "http://127.0.0.1:9000", "ANTHROPIC_AUTH_TOKEN", "t"),
                ClaudeEnv.wanted(Settings.DEFAULTS, List.of(), "http://127.0.0.1:9000", "t"));
    }

    @Test
    void everyOptionalSettingInOrder() {
        Settings s = Settings.DEFAULTS.with(Map.of("claudeApiTimeoutMs", "3000000",
                "claudeDisableNonessentialTraffic", "true", "claudeModel", "m", "claudeSmallFastModel", " sf ",
                "claudeHaikuModel", "h", "claudeSonnetModel", "s", "claudeOpusModel", "o"));
        var w = ClaudeEnv.wanted(s, List.of(), "u", "t");
        assertEquals(List.of("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "API_TIMEOUT_MS",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "ANTHROPIC_MODEL", "ANTHROPIC_SMALL_FAST_MODEL",
                "ANTHROPIC_DEFAULT_HAIKU_MODEL", "ANTHROPIC_DEFAULT_SONNET_MODEL", "ANTHROPIC_DEFAULT_OPUS_MODEL"),
                List.copyOf(w.keySet()));
        assertEquals("3000000", w.get("API_TIMEOUT_MS"));
        assertEquals("1", w.get("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"));
        assertEquals("sf", w.get("ANTHROPIC_SMALL_FAST_MODEL"));
    }

    @Test
    void nonessentialTrafficFollowsTheFirstEnabledEndpoint() {
        var quietFirst = ClaudeEnv.wanted(Settings.DEFAULTS,
                List.of(ep(1, 1, false, false), ep(2, 2, true, true), ep(3, 3, true, false)), "u", "t");
        assertEquals("1", quietFirst.get("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"));
        var quietSecond = ClaudeEnv.wanted(Settings.DEFAULTS,
                List.of(ep(3, 3, true, true), ep(2, 2, true, false)), "u", "t");
        assertEquals(null, quietSecond.get("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"));
    }

    @Test
    void proxyUrl() {
        assertEquals("http://127.0.0.1:9000", ClaudeEnv.proxyUrl("127.0.0.1", 9000));
        assertEquals("http://127.0.0.1:9001", ClaudeEnv.proxyUrl("0.0.0.0", 9001));
        assertEquals("http://127.0.0.1:9001", ClaudeEnv.proxyUrl("::", 9001));
        assertEquals("http://[::1]:9000", ClaudeEnv.proxyUrl("::1", 9000));
        assertEquals("http://localhost:9000", ClaudeEnv.proxyUrl("localhost", 9000));
    }

    @Test
    void secretsAreHiddenInDisplay() {
        assertEquals("ANTHROPIC_AUTH_TOKEN=(hidden)", ClaudeEnv.display("ANTHROPIC_AUTH_TOKEN", "cp-x"));
        assertEquals("ANTHROPIC_MODEL=m", ClaudeEnv.display("ANTHROPIC_MODEL", "m"));
    }
}
