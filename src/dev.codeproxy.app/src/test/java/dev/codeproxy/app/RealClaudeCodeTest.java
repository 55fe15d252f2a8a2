package dev.codeproxy.app;

import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.RecordedRequest;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real Claude Code CLI (npm {@code @anthropic-ai/claude-code}, installed by scripts/test and
 * named by {@code CODE_PROXY_CLAUDE_CLI}) through the built image, against two fake upstreams:
 * with the rule {@code background -> cheap}, its session-title call (the real CLI makes it when
 * asked through its stream-json control protocol, as the Agent SDK does) lands on {@code cheap},
 * and its main request of the turn on the default group ({@code main}, first by priority).
 */
class RealClaudeCodeTest {
    private static final String TOKEN = "cp-real-cli-client-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final List<Process> processes = new ArrayList<>();
    private FakeUpstream main;
    private FakeUpstream cheap;
    private Path tmp;

    @BeforeEach
    void setUp() throws IOException {
        main = FakeUpstream.start();
        cheap = FakeUpstream.start();
        for (FakeUpstream u : List.of(main, cheap)) {
            u.setDefault(Reply.sse(SseFixtures.message("claude-sonnet-4-5", 2)));
        }
        tmp = Files.createTempDirectory("code-proxy-real-cli");
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Process p : processes) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        main.close();
        cheap.close();
        try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The CLI scripts/test installed; the test is skipped only when run on its own without one. */
    private static Path cli() {
        String path = System.getenv("CODE_PROXY_CLAUDE_CLI");
        Assumptions.assumeTrue(path != null && !path.isBlank(),
                "CODE_PROXY_CLAUDE_CLI is not set: scripts/test installs the real CLI and sets it");
        Path p = Path.of(path);
        if (!Files.isExecutable(p)) {
            fail("CODE_PROXY_CLAUDE_CLI=" + path + " is not an executable Claude Code CLI");
        }
        return p;
    }

    @Test
    void titleCallLandsOnTheBackgroundGroupAndTheTurnOnTheDefault() throws Exception {
        Path claude = cli();
        Path launcher = ImageSupport.launcher();
        Path data = tmp.resolve("data");
        Path file = tmp.resolve("config.json");
        Files.writeString(file, """
                {
                  "format": "code-proxy/1",
                  "settings": { "port": 0,
                    "routes": [ { "match": "background", "endpoints": ["cheap"] } ] },
                  "endpoints": [
                    { "name": "main", "priority": 1, "baseUrl": "%s", "apiKey": "sk-main" },
                    { "name": "cheap", "priority": 2, "baseUrl": "%s", "apiKey": "sk-cheap" }
                  ]
                }
                """.formatted(main.baseUrl(), cheap.baseUrl()));
        Process imp = start(new ProcessBuilder(launcher.toString(), "import", file.toString(), "--replace",
                "--data-dir", data.toString()));
        imp.getOutputStream().close();
        assertTrue(imp.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, imp.exitValue(), new String(imp.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));

        ProcessBuilder serve = new ProcessBuilder(launcher.toString(), "--headless", "--no-browser", "--no-claude-config",
                "--host", "127.0.0.1", "--data-dir", data.toString());
        serve.environment().put("CODE_PROXY_CLIENT_TOKEN", TOKEN);
        serve.environment().put("HOME", tmp.toString());
        serve.redirectError(tmp.resolve("serve.err").toFile());
        Process server = start(serve);
        server.getOutputStream().close();
        String banner;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            banner = CompletableFuture.supplyAsync(() -> {
                try {
                    return r.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).completeOnTimeout(null, 60, TimeUnit.SECONDS).get();
        }
        assertNotNull(banner, "no banner; stderr: " + Files.readString(tmp.resolve("serve.err")));
        String base = banner.substring(banner.indexOf("http://")).strip();

        Path home = tmp.resolve("home");
        Path project = tmp.resolve("project");
        Files.createDirectories(home);
        Files.createDirectories(project);
        ProcessBuilder pb = new ProcessBuilder(claude.toString(), "-p", "--input-format", "stream-json",
                "--output-format", "stream-json", "--verbose").directory(project.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("ANTHROPIC_") || k.startsWith("CLAUDE_"));
        env.put("HOME", home.toString());
        env.put("ANTHROPIC_BASE_URL", base);
        env.put("ANTHROPIC_AUTH_TOKEN", TOKEN);
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        pb.redirectError(tmp.resolve("claude.err").toFile());
        Process cc = start(pb);
        BlockingQueue<JsonObject> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(cc.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("{")) {
                        lines.add(Json.createReader(new StringReader(line)).readObject());
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process ended
            }
        });
        try (OutputStream in = cc.getOutputStream()) {
            // 1. what the Agent SDK sends to name a session: the CLI makes its real title request
            write(in, "{\"type\":\"control_request\",\"request_id\":\"title-1\",\"request\":{\"subtype\":"
                    + "\"generate_session_title\",\"description\":\"fix the flaky login test in the auth module\","
                    + "\"persist\":false}}");
            await(lines, "control_response", cc);
            // 2. one turn of the conversation: the main request
            write(in, "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"say hi\"}}");
            JsonObject result = await(lines, "result", cc);
            assertFalse(result.getBoolean("is_error", false), "the turn failed: " + result + "\nstderr: "
                    + Files.readString(tmp.resolve("claude.err")));
        }
        assertTrue(cc.waitFor(30, TimeUnit.SECONDS), "the CLI did not exit after its input ended");

        // what each upstream got: cheap only the title request, main the turn
        List<RecordedRequest> atCheap = cheap.requests();
        List<RecordedRequest> atMain = main.requests();
        assertEquals(1, atCheap.size(), "background group: " + atCheap);
        JsonObject title = Json.createReader(new StringReader(atCheap.getFirst().bodyString())).readObject();
        assertEquals(0, title.getJsonArray("tools").size(), "the title request offers no tools");
        assertFalse(title.containsKey("thinking"));
        assertTrue(atCheap.getFirst().header("user-agent").startsWith("claude-cli/"), atCheap.getFirst().toString());
        assertEquals(1, atMain.size(), "default group: " + atMain);
        JsonObject turn = Json.createReader(new StringReader(atMain.getFirst().bodyString())).readObject();
        assertTrue(turn.getJsonArray("tools").size() > 5, "the main request offers Claude Code's tools");
        assertTrue(turn.getJsonArray("messages").toString().contains("say hi"));

        // the log says which route each took
        Map<String, String> routes = new LinkedHashMap<>();
        long end = System.nanoTime() + WAIT.toNanos();
        while (routes.size() < 2 && System.nanoTime() < end) {
            routes.clear();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("code-proxy.db"));
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT endpoint, route FROM requests ORDER BY id")) {
                while (rs.next()) {
                    routes.put(rs.getString(1), rs.getString(2));
                }
            }
            Thread.sleep(100);
        }
        assertEquals(Map.of("cheap", "background", "main", "default"), routes);
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static void write(OutputStream in, String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** The next output line of a type, skipping others; fails after {@link #WAIT}. */
    private JsonObject await(BlockingQueue<JsonObject> lines, String type, Process cc) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            JsonObject o = lines.poll(200, TimeUnit.MILLISECONDS);
            if (o != null && type.equals(o.getString("type", ""))) {
                return o;
            }
            if (o == null && !cc.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        fail("no '" + type + "' line from the CLI; stderr: " + Files.readString(tmp.resolve("claude.err")));
        return null;
    }
}
