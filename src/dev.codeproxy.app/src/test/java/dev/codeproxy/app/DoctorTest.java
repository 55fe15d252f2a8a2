package dev.codeproxy.app;

import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code code-proxy doctor} against real fake upstreams: a healthy one, one that refuses the key
 * (401), one that refuses connections, one that rejects a mapped model. Each is reported as such,
 * with the exit code; the key never appears in the report.
 */
class DoctorTest {
    private static final String KEY = "sk-ant-doctor-test-key-0123456789abcdef";

    @TempDir
    Path dir;
    private final List<FakeUpstream> upstreams = new ArrayList<>();

    @AfterEach
    void close() {
        upstreams.forEach(FakeUpstream::close);
    }

    private record Run(int code, String out, String err) {
        JsonObject json() {
            return Json.createReader(new StringReader(out)).readObject();
        }

        JsonObject check(String name) {
            for (JsonValue v : json().getJsonArray("checks")) {
                if (v.asJsonObject().getString("name").equals(name)) {
                    return v.asJsonObject();
                }
            }
            throw new AssertionError("no check '" + name + "' in " + out);
        }
    }

    private Run doctor(Map<String, String> extraEnv, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("HOME", dir.toString());
        String[] all = new String[args.length + 5];
        all[0] = "doctor";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--data-dir";
        all[args.length + 2] = dir.resolve("data").toString();
        all[args.length + 3] = "--claude-config-dir";
        all[args.length + 4] = dir.resolve("claude").toString();
        int code = Cli.run(all, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private FakeUpstream upstream() {
        FakeUpstream u = FakeUpstream.start();
        upstreams.add(u);
        return u;
    }

    private void configure(String endpointsJson) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{\"format\":\"code-proxy/1\",\"settings\":{\"port\":" + port + "},\"endpoints\":["
                + endpointsJson + "]}");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertEquals(0, Cli.run(new String[]{"import", f.toString(), "--data-dir", dir.resolve("data").toString()},
                Map.of("HOME", dir.toString()), new PrintStream(sink), new PrintStream(sink)), sink.toString());
    }

    private static String endpoint(String name, String url, String models) {
        return "{\"name\":\"" + name + "\",\"baseUrl\":\"" + url + "\",\"apiKey\":\"" + KEY + "\"" + models + "}";
    }

    @Test
    void aHealthySetupPassesEveryCheck() throws Exception {
        FakeUpstream ok = upstream().setDefault(Reply.json(200, "{\"input_tokens\":5}"));
        configure(endpoint("healthy", ok.baseUrl(), ",\"models\":{\"sonnet\":\"glm-4.6\"}"));
        Run r = doctor(Map.of(), "--json");
        assertEquals(0, r.code(), r.out() + r.err());
        for (String name : List.of("data directory", "database", "port", "claude settings", "claude credentials",
                "healthy: dns", "healthy: tcp", "healthy: key", "healthy: model sonnet → glm-4.6",
                "healthy: time to headers")) {
            assertTrue(r.check(name).getBoolean("ok"), name + ": " + r.out());
        }
        assertTrue(r.check("healthy: stream").getString("detail").startsWith("skipped"), "a stream costs tokens");
        assertFalse(r.out().contains(KEY));
        assertTrue(ok.requests().stream().anyMatch(q -> q.target().equals("/v1/messages/count_tokens")),
                "the key is checked with count_tokens, which costs nothing");
        assertFalse(ok.requests().stream().anyMatch(q -> q.target().equals("/v1/messages")),
                "no message is sent without --live");

        Run text = doctor(Map.of());
        assertEquals(0, text.code());
        assertTrue(text.out().contains("✓ healthy: key: accepted"), text.out());
        assertTrue(text.out().strip().endsWith("checks passed"), text.out());
    }

    @Test
    void eachBrokenEndpointIsNamedWithWhatToChange() throws Exception {
        FakeUpstream ok = upstream().setDefault(Reply.json(200, "{\"input_tokens\":5}"));
        FakeUpstream badKey = upstream().setDefault(Reply.error(401, "authentication_error", "invalid x-api-key"));
        FakeUpstream picky = upstream().setDefault(Reply.json(200, "{\"input_tokens\":5}"));
        picky.enqueue(Reply.json(200, "{\"input_tokens\":5}"),
                Reply.error(404, "not_found_error", "model: glm-nope"));
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        configure(String.join(",",
                endpoint("healthy", ok.baseUrl(), ""),
                endpoint("bad-key", badKey.baseUrl(), ""),
                endpoint("down", "http://127.0.0.1:" + closed, ""),
                endpoint("picky", picky.baseUrl(), ",\"models\":{\"sonnet\":\"glm-nope\"}")));
        Run r = doctor(Map.of(), "--json");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.check("healthy: key").getBoolean("ok"));

        JsonObject key = r.check("bad-key: key");
        assertFalse(key.getBoolean("ok"));
        assertTrue(key.getString("detail").contains("refused") && key.getString("detail").contains("401"), key.toString());
        assertTrue(key.getString("hint").contains("endpoint set bad-key"), key.toString());

        JsonObject tcp = r.check("down: tcp");
        assertFalse(tcp.getBoolean("ok"));
        assertNotNull(tcp.getString("hint"));

        JsonObject model = r.check("picky: model sonnet → glm-nope");
        assertFalse(model.getBoolean("ok"));
        assertTrue(model.getString("detail").contains("not_found_error"), model.toString());
        assertTrue(model.getString("hint").contains("sonnet"), model.toString());
        assertTrue(r.check("picky: key").getBoolean("ok"));
        assertFalse(r.out().contains(KEY), "the key never appears");

        Run text = doctor(Map.of());
        assertEquals(1, text.code());
        assertTrue(text.out().contains("✗ bad-key: key"), text.out());
        assertTrue(text.out().contains("    → "), "a hint under each ✗: " + text.out());
    }

    @Test
    void liveStreamsOneTokenAndAskesARunningServer() throws Exception {
        FakeUpstream ok = upstream().setDefault(Reply.json(200, "{\"input_tokens\":5}"));
        configure(endpoint("healthy", ok.baseUrl(), ""));
        // clock (HEAD), count_tokens, then the one-token stream
        ok.enqueue(Reply.json(200, "{}"), Reply.json(200, "{\"input_tokens\":5}"),
                Reply.sse(SseFixtures.message("claude-haiku-4-5", 1)));
        try (ProxyServer server = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(dir.resolve("data"))
                .host("127.0.0.1")
                .port(0)
                .clientToken("cp-doctor-client-token")
                .claudeConfigDir(dir.resolve("claude"))
                .build())) {
            Run r = doctor(Map.of("CODE_PROXY_PORT", Integer.toString(server.port())), "--json", "--live");
            assertEquals(0, r.code(), r.out());
            assertTrue(r.check("server").getString("detail").contains(server.url()), r.out());
            assertTrue(r.check("healthy: stream").getString("detail").startsWith("first content block"), r.out());
            assertTrue(r.check("claude settings").getString("detail").contains("points Claude Code at this proxy"),
                    r.out());
        }
    }

    @Test
    void aMissingDataDirectoryIsReportedAndNotCreated() {
        Run r = doctor(Map.of(), "--json");
        assertEquals(1, r.code());
        assertFalse(r.check("data directory").getBoolean("ok"));
        assertFalse(Files.exists(dir.resolve("data")), "doctor creates nothing");
    }

    @Test
    void settingsThatBypassTheProxyAreNamed() throws Exception {
        FakeUpstream ok = upstream().setDefault(Reply.json(200, "{\"input_tokens\":5}"));
        configure(endpoint("healthy", ok.baseUrl(), ""));
        Files.createDirectories(dir.resolve("claude"));
        Files.writeString(dir.resolve("claude/settings.json"), "{\"apiKeyHelper\":\"/bin/echo x\",\"env\":{"
                + "\"ANTHROPIC_BASE_URL\":\"http://127.0.0.1:1\"}}");
        Run r = doctor(Map.of("ANTHROPIC_API_KEY", "sk-ant-shell"), "--json");
        assertEquals(1, r.code());
        JsonObject creds = r.check("claude credentials");
        assertFalse(creds.getBoolean("ok"));
        assertTrue(creds.getString("detail").contains("apiKeyHelper") && creds.getString("detail")
                .contains("environment"), creds.toString());
        JsonObject points = r.check("claude settings");
        assertFalse(points.getBoolean("ok"));
        assertTrue(points.getString("detail").contains("http://127.0.0.1:1"), points.toString());
        assertFalse(r.out().contains("sk-ant-shell"));
    }
}
