package dev.codeproxy.app;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code code-proxy selftest} runs the real server against in-process fakes: with the default
 * settings and two endpoints every failure is saved (but a stream cut after its content, which
 * ends in an error event); with maxRetries 0 and one endpoint it names each scenario Claude Code
 * would now see fail. It never touches the user's database.
 */
class SelftestTest {
    @TempDir
    Path dir;

    private record Run(int code, String out) {
        Map<String, JsonObject> checks() {
            Map<String, JsonObject> m = new HashMap<>();
            for (JsonValue v : Json.createReader(new StringReader(out)).readObject().getJsonArray("checks")) {
                m.put(v.asJsonObject().getString("name"), v.asJsonObject());
            }
            return m;
        }
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, Map.of("HOME", dir.toString()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    private void configure(String json) throws Exception {
        Path f = dir.resolve("config.json");
        Files.writeString(f, json);
        assertEquals(0, run("import", f.toString(), "--replace", "--data-dir", dir.resolve("data").toString()).code());
    }

    @Test
    void withTwoEndpointsAndDefaultSettingsEveryFailureIsSaved() throws Exception {
        configure("""
                {"format":"code-proxy/1","endpoints":[
                  {"name":"primary","baseUrl":"https://api.anthropic.com","apiKey":"sk-ant-not-used-1"},
                  {"name":"backup","baseUrl":"https://backup.example.com","apiKey":"sk-ant-not-used-2"}]}
                """);
        Path db = dir.resolve("data/code-proxy.db");
        long before = Files.size(db);
        Run r = run("selftest", "--json", "--data-dir", dir.resolve("data").toString());
        assertEquals(0, r.code(), r.out());
        Map<String, JsonObject> c = r.checks();
        assertEquals(9, c.size(), r.out());
        for (var e : c.entrySet()) {
            assertTrue(e.getValue().getBoolean("ok"), e.getKey() + ": " + e.getValue());
            if (e.getKey().startsWith("stream cut")) {
                assertTrue(e.getValue().getString("detail").contains("event: error"), e.getValue().toString());
            } else {
                assertTrue(e.getValue().getString("detail").contains("a complete answer"), e.getValue().toString());
                assertNull(e.getValue().get("hint") == JsonValue.NULL ? null : e.getValue().get("hint"));
            }
        }
        assertTrue(c.get("401 key refused").getString("detail").contains("served by backup"), c.toString());
        assertTrue(c.get("529 overloaded").getString("detail").contains("served by primary"),
                "maxRetries 1 retries the same endpoint: " + c.get("529 overloaded"));
        assertEquals(before, Files.size(db), "the user's database is not written");
    }

    @Test
    void withOneEndpointAndNoRetriesItNamesWhatClaudeCodeWouldSeeFail() throws Exception {
        configure("""
                {"format":"code-proxy/1","settings":{"maxRetries":0},"endpoints":[
                  {"name":"only","baseUrl":"https://api.anthropic.com","apiKey":"sk-ant-not-used"}]}
                """);
        Run r = run("selftest", "--json", "--data-dir", dir.resolve("data").toString());
        assertEquals(0, r.code(), "the proxy behaves as documented: " + r.out());
        Map<String, JsonObject> c = r.checks();
        for (String failing : new String[]{"529 overloaded", "500 api error", "no response headers",
                "event: error before the first content block", "empty 200 stream", "401 key refused"}) {
            JsonObject o = c.get(failing);
            assertTrue(o.getString("detail").startsWith("client saw HTTP"), failing + ": " + o);
            assertTrue(o.getString("hint").contains("Claude Code sees this failure"), failing + ": " + o);
        }
        assertTrue(c.get("529 overloaded").getString("hint").contains("maxRetries"), c.get("529 overloaded").toString());
        assertTrue(c.get("401 key refused").getString("hint").contains("second endpoint"), c.toString());
        // still saved: a reset is retried once at once, a 429 within retryCapMs is waited for
        assertTrue(c.get("connection reset").getString("detail").contains("a complete answer"), c.toString());
        assertTrue(c.get("429 with retry-after 1").getString("detail").contains("a complete answer"), c.toString());

        Run text = run("selftest", "--data-dir", dir.resolve("data").toString());
        assertTrue(text.out().contains("6 of 9 would reach Claude Code as a failure"), text.out());
    }

    @Test
    void withoutAnyConfigurationItRunsOnTheDefaults() {
        Run r = run("selftest", "--data-dir", dir.resolve("none").toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("every scenario behaves as documented"), r.out());
        assertFalse(Files.exists(dir.resolve("none")), "nothing is created");
    }
}
