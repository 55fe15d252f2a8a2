package dev.codeproxy.app;

import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.RecordedRequest;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The built image ({@code dist/code-proxy}, made by {@code ./scripts/build}) works on its own:
 * no JDK on the PATH, no JAVA_HOME, every module and service provider linked in, SSE streamed
 * through unchanged, SIGTERM honoured. Fails (does not skip) when the image is missing.
 */
class ImageTest {
    private static final String TOKEN = "cp-image-test-client-token-0123456789";
    private static final String KEY = "sk-ant-image-test-endpoint-key";
    private static final String MODEL = "claude-sonnet-4-5";
    private static final Duration START = Duration.ofSeconds(60);

    private final List<Process> processes = new ArrayList<>();
    private FakeUpstream upstream;
    private Path tmp;
    private Path launcher;

    @BeforeEach
    void setUp() throws IOException {
        launcher = image().resolve("bin/code-proxy");
        if (!Files.isExecutable(launcher)) {
            fail("no built image at " + launcher + ": run ./scripts/build first (./scripts/test does)");
        }
        upstream = FakeUpstream.start();
        tmp = Files.createTempDirectory("code-proxy-image-test");
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Process p : processes) {
            p.toHandle().destroyForcibly();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (tmp == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void imageImportsServesStreamsAndStopsOnSigterm() throws Exception {
        Path data = tmp.resolve("data");
        Path importFile = tmp.resolve("endpoints.json");
        Files.writeString(importFile, """
                {
                  "format": "code-proxy/1",
                  "exportedAt": "2026-11-26T12:00:00Z",
                  "settings": { "port": 0 },
                  "endpoints": [
                    { "name": "fake", "enabled": true, "priority": 1, "weight": 1,
                      "baseUrl": "%s", "apiKey": "%s", "authHeader": "x-api-key" }
                  ]
                }
                """.formatted(upstream.baseUrl(), KEY));

        Result imported = run("import", importFile.toString(), "--replace", "--data-dir", data.toString());
        assertEquals(0, imported.exit(), "import: " + imported);
        assertTrue(imported.stdout().contains("1 endpoint(s) and 1 setting(s)"), "import: " + imported);
        assertNoJvmNoise(imported.stderr());

        // the self-test's fake upstreams are linked into the image; doctor reaches the (fake) endpoint
        Result selftest = run("selftest", "--data-dir", data.toString());
        assertEquals(0, selftest.exit(), "selftest: " + selftest);
        assertTrue(selftest.stdout().contains("every scenario behaves as documented"), "selftest: " + selftest);
        assertNoJvmNoise(selftest.stderr());
        Result doctor = run("doctor", "--json", "--data-dir", data.toString());
        assertTrue(doctor.stdout().contains("\"name\":\"database\",\"ok\":true"), "doctor: " + doctor);
        assertTrue(doctor.stdout().contains(": tcp\",\"ok\":true"), "doctor: " + doctor);
        assertFalse(doctor.stdout().contains(KEY), "doctor shows no key");
        assertNoJvmNoise(doctor.stderr());
        while (upstream.takeRequest(Duration.ofMillis(200)) != null) {
            // the doctor's calls: what follows checks the proxied request
        }

        // Claude Code's settings live in a temporary CLAUDE_CONFIG_DIR (see builder): the image points it at itself
        Path claudeSettings = tmp.resolve("claude-config").resolve("settings.json");
        // no --port: the stored setting (0, any free port, from the import) applies
        Process server = start(List.of("--headless", "--no-browser", "--host", "127.0.0.1",
                "--data-dir", data.toString()));
        Drain out = new Drain(server.getInputStream());
        Drain err = new Drain(server.getErrorStream());
        String banner = out.firstLine.completeOnTimeout(null, START.toSeconds(), TimeUnit.SECONDS).get();
        assertTrue(banner != null && banner.startsWith("Code Proxy " + expectedVersion() + " listening on http://"),
                "banner: " + banner + "\nstderr: " + err.text());
        String base = banner.substring(banner.indexOf("http://")).strip();
        assertFalse(base.endsWith(":0"), "the banner shows the real port: " + banner);

        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(base + "/"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertEquals(200, head.statusCode());

            HttpResponse<byte[]> dashboard = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, dashboard.statusCode());
            assertTrue(new String(dashboard.body(), StandardCharsets.UTF_8).contains("<html"), "dashboard HTML");

            List<String> events = SseFixtures.message(MODEL, 20);
            upstream.enqueue(Reply.sse(events));
            String body = ClaudeCodeBodies.request(MODEL, true, 20_000);
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                    .timeout(Duration.ofSeconds(30))
                    .header("x-api-key", TOKEN)
                    .header("anthropic-version", "2023-06-01")
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] received;
            try (InputStream in = r.body()) {
                received = in.readAllBytes();
            }
            assertEquals(200, r.statusCode(), () -> new String(received, StandardCharsets.UTF_8));
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"),
                    "content-type " + r.headers().firstValue("content-type"));
            assertArrayEquals(String.join("", events).getBytes(StandardCharsets.UTF_8), received,
                    "the SSE bytes arrive unchanged");

            RecordedRequest got = upstream.takeRequest(Duration.ofSeconds(5));
            assertEquals("/v1/messages", got.target());
            assertEquals(KEY, got.header("x-api-key"));
            assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), got.body());

            HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, noToken.statusCode(), noToken.body());

            // the admin API's JSON (records through JSON-B) works in the linked image, not only on a class path
            String admin = Files.readString(data.resolve("admin-token")).strip();
            for (String path : List.of("/_/api/status", "/_/api/endpoints", "/_/api/settings", "/_/api/stats/summary")) {
                HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(base + path))
                        .header("authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, api.statusCode(), path + ": " + api.body());
                assertTrue(api.body().startsWith("{") || api.body().startsWith("["), path + ": " + api.body());
                assertFalse(api.body().contains(KEY), path + " leaks the endpoint key");
            }
            // the dashboard's database work yields the core to requests: its threads run at nice 19;
            // the requests and the request log at nice 2, below the JVM's own threads (the garbage
            // collector's, so that it keeps up on a saturated core) at the default 0, also as root
            Map<String, Integer> nice = niceByThread(server.pid());
            assertEquals(19, nice.get("admin-worker-1"), nice.toString());
            assertEquals(19, nice.get("live-stats"), nice.toString());
            for (String normal : List.of("request-log-wri", "request-log-pre", "ForkJoinPool-1-")) {
                assertEquals(2, nice.get(normal), normal + ": " + nice);
            }
            for (String jvm : List.of("VM Thread", "C2 CompilerThre", "ZWorkerYoung#0")) {
                assertEquals(0, nice.getOrDefault(jvm, 0), jvm + ": " + nice);
            }
            assertTrue(nice.containsKey("VM Thread"), nice.toString());
            // the trust boundary holds in the image: a differently spelled admin path opens nothing
            int port = URI.create(base).getPort();
            for (String spelling : List.of("/_;/api/export?secrets=true", "/%5F/api/export?secrets=true",
                    "/a/../_/api/export?secrets=true", "/_%2Fapi/export?secrets=true")) {
                AdminPathSpellingsTest.Answer a = AdminPathSpellingsTest.exchange(port, "GET " + spelling
                        + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n");
                assertEquals(400, a.status(), spelling + ": " + a.body());
                assertFalse(a.body().contains(KEY), spelling + " leaks the endpoint key");
            }
            // code-proxy login asks the running server for a single-use link; it works once
            Result login = run("login", "--url", base, "--data-dir", data.toString());
            assertEquals(0, login.exit(), "login: " + login);
            String link = login.stdout().strip();
            assertTrue(link.startsWith(base + "/_/login?code="), "login: " + login);
            assertFalse(login.stdout().contains(admin) || login.stderr().contains(admin), "login shows no token");
            HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(link)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(303, first.statusCode());
            assertTrue(first.headers().firstValue("set-cookie").orElse("").startsWith("cp_session="));
            assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(link)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "the link works once");
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/observe/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(health.statusCode() == 200 || health.statusCode() == 204, "health " + health.statusCode());

            String during = Files.readString(claudeSettings);
            assertTrue(during.contains("\"ANTHROPIC_BASE_URL\": \"" + base + "\""), during);
        }

        // SIGTERM: the shutdown hook stops the server and the JVM exits promptly
        long t0 = System.nanoTime();
        server.toHandle().destroy();
        assertTrue(server.waitFor(10, TimeUnit.SECONDS), "still running 10 s after SIGTERM");
        long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(stopMs < 5000, "took " + stopMs + " ms to stop after SIGTERM");
        int exit = server.exitValue();
        assertTrue(exit == 143 || exit == 0, "exit status after SIGTERM: " + exit + " (expected 128 + 15, or 0)");
        assertNoJvmNoise(err.finish());
        assertTrue(out.finish().contains("/v1"), "the banner names the proxy URL: " + out.text());
        String adminToken = Files.readString(data.resolve("admin-token")).strip();
        assertFalse(out.text().contains(adminToken) || err.text().contains(adminToken),
                "the admin token appears in no output: " + out.text());
        assertTrue(out.text().contains("/_/login?code="), "the banner carries a login code: " + out.text());
        // the file the proxy created for Claude Code is gone again
        assertFalse(Files.exists(claudeSettings), "settings.json removed on stop");
    }

    @Test
    void killMinus9DuringLoadLeavesACompleteDatabase() throws Exception {
        Path data = tmp.resolve("kill-data");
        Path importFile = tmp.resolve("kill.json");
        Files.writeString(importFile, """
                {"format":"code-proxy/1","settings":{"port":0,"logRetention":100000},
                 "endpoints":[{"name":"fake","baseUrl":"%s","apiKey":"%s"}]}
                """.formatted(upstream.baseUrl(), KEY));
        assertEquals(0, run("import", importFile.toString(), "--data-dir", data.toString()).exit());
        upstream.setDefault(Reply.sse(SseFixtures.message(MODEL, 3)));
        for (int round = 0; round < 2; round++) {
            Process server = start(List.of("--headless", "--no-browser", "--no-claude-config", "--host", "127.0.0.1",
                    "--data-dir", data.toString()));
            Drain out = new Drain(server.getInputStream());
            new Drain(server.getErrorStream());
            String banner = out.firstLine.completeOnTimeout(null, START.toSeconds(), TimeUnit.SECONDS).get();
            assertTrue(banner != null && banner.contains("http://"), "banner: " + banner);
            String base = banner.substring(banner.indexOf("http://")).strip();
            AtomicInteger done = new AtomicInteger();
            try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                 var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 8; t++) {
                    pool.submit(() -> {
                        while (server.isAlive()) {
                            try {
                                http.send(HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                                        .timeout(Duration.ofSeconds(5)).header("x-api-key", TOKEN)
                                        .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.minimal(MODEL, true)))
                                        .build(), HttpResponse.BodyHandlers.discarding());
                                done.incrementAndGet();
                            } catch (Exception e) {
                                return null;
                            }
                        }
                        return null;
                    });
                }
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (done.get() < 300 && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                server.destroyForcibly(); // SIGKILL, mid-load
                assertTrue(server.waitFor(10, TimeUnit.SECONDS));
            }
            assertTrue(done.get() > 0, "requests went through before the kill");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("code-proxy.db"));
             Statement st = c.createStatement()) {
            try (var rs = st.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertEquals("ok", rs.getString(1));
            }
            try (var rs = st.executeQuery("SELECT count(*), sum(CASE WHEN status = 0 OR total_ms < 0 OR endpoint IS NULL "
                    + "THEN 1 ELSE 0 END) FROM requests")) {
                rs.next();
                assertTrue(rs.getLong(1) > 0, "rows were written before each kill");
                assertEquals(0, rs.getLong(2), "every row present is complete");
            }
            try (var rs = st.executeQuery("SELECT count(*) FROM requests r WHERE attempts <> "
                    + "(SELECT count(*) FROM request_attempts a WHERE a.request_id = r.id)")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "every row has all its attempts");
            }
        }
    }

    /** A server of the image on a data directory, once its banner is out. */
    private record Served(Process process, String url, Drain out, Drain err) {
        void stop() throws InterruptedException {
            process.toHandle().destroy();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "still running 20 s after SIGTERM");
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no restore
            assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        }
    }

    private Served serve(Path data) throws Exception {
        Process p = start(List.of("--headless", "--no-browser", "--host", "127.0.0.1", "--port", "0",
                "--data-dir", data.toString()));
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        String banner = out.firstLine.completeOnTimeout(null, START.toSeconds(), TimeUnit.SECONDS).get();
        assertTrue(banner != null && banner.contains("listening on http://"), "banner: " + banner + "\nstderr: "
                + err.text());
        return new Served(p, banner.substring(banner.indexOf("http://")).strip(), out, err);
    }

    @Test
    void aSecondServeOnTheSameDataDirectoryExitsOneNamingTheFirst() throws Exception {
        Path data = tmp.resolve("one-data");
        Served first = serve(data);
        Result second = run("--headless", "--no-browser", "--port", "0", "--data-dir", data.toString());
        assertEquals(1, second.exit(), second.toString());
        assertEquals(1, second.stderr().strip().lines().count(), "one line: " + second.stderr());
        assertTrue(second.stderr().contains("another Code Proxy is already serving the data directory " + data + " (pid "
                + first.process().pid() + ", " + first.url() + ")"), second.stderr());
        assertEquals("", second.stdout());
        // kill -9: the operating system releases the lock, and the next start recovers
        first.kill();
        Served again = serve(data);
        again.stop();
    }

    /**
     * Two instances of the image (two data directories, one Claude config directory) in orders
     * with SIGTERM and kill -9: settings.json ends as it was, byte for byte, and an instance that
     * finds the file held by a running one says so and leaves it alone.
     */
    @Test
    void twoInstancesInAnyOrderWithKillMinus9LeaveSettingsJsonAsItWas() throws Exception {
        Path claude = tmp.resolve("claude-config");
        Files.createDirectories(claude);
        Path settings = claude.resolve("settings.json");
        String original = "{\n   \"theme\": \"dark\",\n  \"env\": { \"ANTHROPIC_BASE_URL\": \"https://gw.example\" }\n}\n";
        Path a = tmp.resolve("data-a");
        Path b = tmp.resolve("data-b");
        List<String> orders = List.of("A start, B start, A kill, B stop", "A start, A kill, B start, B stop",
                "A start, B start, A stop, B stop", "A start, B start, B kill, A stop");
        for (String order : orders) {
            Files.writeString(settings, original);
            Map<String, Served> running = new HashMap<>();
            for (String step : order.split(", ")) {
                String who = step.substring(0, 1);
                Path data = who.equals("A") ? a : b;
                switch (step.substring(2)) {
                    case "start" -> {
                        Served s = serve(data);
                        running.put(who, s);
                        String now = Files.readString(settings);
                        Served other = running.get(who.equals("A") ? "B" : "A");
                        if (other != null) {
                            // the other one holds the file and runs: named, and left alone
                            assertTrue(now.contains(other.url()), order + ": " + now);
                            awaitText(s.err(), "points at another Code Proxy that is running (pid "
                                    + other.process().pid() + ", " + other.url());
                        } else {
                            assertTrue(now.contains(s.url()), order + ": " + now);
                        }
                    }
                    case "stop" -> running.remove(who).stop();
                    case "kill" -> running.remove(who).kill();
                    default -> fail(step);
                }
            }
            assertEquals(original, Files.readString(settings), "after " + order);
            assertFalse(Files.exists(claude.resolve("settings.json.code-proxy")), "claim left after " + order);
        }
    }

    private static void awaitText(Drain d, String text) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!d.text().contains(text)) {
            assertTrue(System.nanoTime() < end, "no '" + text + "' in: " + d.text());
            Thread.sleep(20);
        }
    }

    @Test
    void everyCommandThroughTheImage() throws Exception {
        String d = tmp.resolve("cli-data").toString();
        Result help = run("--help");
        assertEquals(0, help.exit(), help.toString());
        for (String cmd : List.of("serve", "import", "export", "endpoint", "claude", "token", "version")) {
            assertTrue(help.stdout().contains(cmd), "help lists " + cmd + ": " + help.stdout());
        }
        Result add = run("endpoint", "add", "main", "--url", upstream.baseUrl(), "--key", KEY, "--data-dir", d);
        assertEquals(0, add.exit(), add.toString());
        Result list = run("endpoint", "list", "--data-dir", d);
        assertTrue(list.stdout().contains("main") && !list.stdout().contains(KEY), list.toString());
        assertEquals(0, run("endpoint", "disable", "main", "--data-dir", d).exit());
        assertEquals(0, run("endpoint", "enable", "main", "--data-dir", d).exit());
        Result export = run("export", "--data-dir", d);
        assertTrue(export.stdout().contains("\"format\": \"code-proxy/1\"") && !export.stdout().contains(KEY),
                export.toString());
        Path file = tmp.resolve("exported.json");
        Files.writeString(file, export.stdout());
        assertEquals(0, run("import", file.toString(), "--merge", "--data-dir", d).exit());
        Result token = run("token", "create", "ci", "--data-dir", d);
        assertEquals(0, token.exit(), token.toString());
        assertTrue(run("token", "list", "--data-dir", d).stdout().contains("ci"));
        assertEquals(0, run("token", "revoke", "ci", "--data-dir", d).exit());
        Result apply = run("claude", "apply", "--data-dir", d);
        assertEquals(0, apply.exit(), apply.toString());
        assertFalse((apply.stdout() + apply.stderr()).contains(TOKEN), "the token is never printed");
        Result status = run("claude", "status", "--data-dir", d);
        assertEquals(0, status.exit(), status.toString());
        assertEquals(0, run("claude", "restore", "--data-dir", d).exit());
        assertEquals(0, run("endpoint", "remove", "main", "--data-dir", d).exit());
        assertEquals(0, run("generate-completion").exit());

        // bad input: one line naming what is wrong; exit 2 for usage, 1 for everything else
        record Bad(int exit, String says, List<String> args) {
        }
        for (Bad bad : List.of(
                new Bad(2, "'frobnicate' is not a command", List.of("frobnicate")),
                new Bad(1, "nope.json: no such file", List.of("import", tmp.resolve("nope.json").toString())),
                new Bad(1, "does not exist", List.of("export", "--output", tmp.resolve("no/such/dir/x.json").toString(),
                        "--data-dir", d)),
                new Bad(1, "no Code Proxy data there", List.of("export", "--data-dir", tmp.resolve("typo").toString())),
                new Bad(2, "--url: 'ftp://x' is not accepted", List.of("endpoint", "add", "x", "--url", "ftp://x",
                        "--data-dir", d)),
                new Bad(2, "--weight: 'x' is not accepted; expected an integer", List.of("endpoint", "add", "x", "--url",
                        "https://x.example.com", "--weight", "x", "--data-dir", d)),
                new Bad(1, "no endpoint named 'ghost'", List.of("endpoint", "remove", "ghost", "--data-dir", d)),
                new Bad(1, "no endpoint named 'ghost'", List.of("endpoint", "set", "ghost", "--weight", "2", "--data-dir", d)),
                new Bad(2, "give only one of --enable, --disable", List.of("endpoint", "set", "main", "--enable",
                        "--disable", "--data-dir", d)),
                new Bad(2, "'colour' is not a setting", List.of("settings", "get", "colour", "--data-dir", d)),
                new Bad(1, "no active token", List.of("token", "revoke", "ghost", "--data-dir", d)),
                new Bad(2, "'frobnicate' is not a command", List.of("claude", "frobnicate")),
                new Bad(2, "--port: '70000' is not a port", List.of("--port", "70000")),
                new Bad(2, "--allowed-hosts: 'a b' is not accepted", List.of("--allowed-hosts", "a b")),
                new Bad(2, "--log-format: 'xml' is not accepted", List.of("--log-format", "xml")))) {
            Result r = run(bad.args().toArray(String[]::new));
            assertEquals(bad.exit(), r.exit(), bad + ": " + r);
            assertEquals(1, r.stderr().strip().lines().count(), bad + ": " + r);
            assertTrue(r.stderr().startsWith("code-proxy: ") && r.stderr().contains(bad.says()), bad + ": " + r);
        }
        assertFalse(Files.exists(tmp.resolve("typo")), "export created no data directory");
    }

    /**
     * The README's server recipe through the image: bound to every address with allowed hosts from
     * the environment, the machine's own address answers; the banner and warnings say so; a stop
     * signal turns health to 503 at once; a second one ends the open stream with an error event,
     * logs it, and exits 130. (SIGTERM stands in for Ctrl-C here: both take the same path, and a
     * test run started in the background, as CI may, inherits SIGINT ignored.)
     */
    @Test
    void serverRecipeWarningsDrainingHealthAndASecondStopSignal() throws Exception {
        Path data = tmp.resolve("recipe-data");
        Path importFile = tmp.resolve("recipe.json");
        Files.writeString(importFile, """
                {"format":"code-proxy/1","settings":{"port":0},
                 "endpoints":[{"name":"fake","baseUrl":"%s","apiKey":"%s"},
                              {"name":"nokey","baseUrl":"%s","priority":2}]}
                """.formatted(upstream.baseUrl(), KEY, upstream.baseUrl()));
        Result imported = run("import", importFile.toString(), "--data-dir", data.toString());
        assertEquals(0, imported.exit(), imported.toString());
        assertTrue(imported.stderr().contains("import: warning: endpoint 'nokey' has no API key"), imported.toString());

        Process server = builder(List.of("--headless", "--no-claude-config", "--data-dir", data.toString()),
                Map.of("CODE_PROXY_HOST", "0.0.0.0", "CODE_PROXY_ALLOWED_HOSTS", "proxy.example.com")).start();
        processes.add(server);
        Drain out = new Drain(server.getInputStream());
        Drain err = new Drain(server.getErrorStream());
        String banner = out.firstLine.completeOnTimeout(null, START.toSeconds(), TimeUnit.SECONDS).get();
        assertTrue(banner != null && banner.matches("Code Proxy \\S+ listening on http://0\\.0\\.0\\.0:\\d+ "
                + "\\(this machine: http://127\\.0\\.0\\.1:\\d+\\)"), "banner: " + banner + "\n" + err.text());
        int port = Integer.parseInt(banner.substring(banner.lastIndexOf(':') + 1, banner.length() - 1));
        String base = "http://127.0.0.1:" + port;
        long until = System.nanoTime() + 10_000_000_000L;
        while (!err.text().contains("has no API key") && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertTrue(err.text().contains("code-proxy: warning: listening on http://0.0.0.0:" + port + ", beyond loopback"),
                err.text());
        assertTrue(err.text().contains("code-proxy: warning: endpoint 'nokey' has no API key"), err.text());

        String own = null;
        for (var ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (var a : Collections.list(ni.getInetAddresses())) {
                if (ni.isUp() && a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    own = a.getHostAddress();
                }
            }
        }
        if (own != null) {
            assertEquals(204, ServeDailyUseTest.status(ServeDailyUseTest.rawHead(port, "GET", "/observe/health",
                    own + ":" + port)), "the machine's own address");
        }
        assertEquals(204, ServeDailyUseTest.status(ServeDailyUseTest.rawHead(port, "GET", "/observe/health",
                "proxy.example.com")), "CODE_PROXY_ALLOWED_HOSTS");
        assertEquals(403, ServeDailyUseTest.status(ServeDailyUseTest.rawHead(port, "GET", "/observe/health",
                "rebind.example")));

        CountDownLatch never = new CountDownLatch(1);
        // not closed with try-with-resources: close() waits for the open stream if an assertion fails
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        try {
            upstream.enqueue(Reply.sse(SseFixtures.message(MODEL, 3)).pauseBeforeEvent(3, never));
            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                    .header("x-api-key", TOKEN).POST(HttpRequest.BodyPublishers.ofString(
                            ClaudeCodeBodies.minimal(MODEL, true))).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, stream.statusCode());
            signal("TERM", server);
            int health = 0;
            long end = System.nanoTime() + 10_000_000_000L;
            while (health != 503 && System.nanoTime() < end) {
                health = http.send(HttpRequest.newBuilder(URI.create(base + "/observe/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            }
            assertEquals(503, health, "health is 503 as soon as the stop begins");
            signal("TERM", server);
            String body = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = stream.body()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "read failed: " + e;
                }
            }).get(20, TimeUnit.SECONDS);
            assertTrue(body.contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\""),
                    "the open stream ends with an error event: " + body);
        } finally {
            never.countDown();
            http.shutdownNow();
        }
        assertTrue(server.waitFor(20, TimeUnit.SECONDS), "exits after the second stop signal");
        assertEquals(130, server.exitValue());
        String lines = out.finish();
        assertTrue(lines.contains(" POST /v1/messages fake " + MODEL + " 200 "), "the headless line: " + lines);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("code-proxy.db"));
             Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM requests WHERE path = '/v1/messages'")) {
            rs.next();
            assertEquals(1, rs.getLong(1), "the cut stream has its log row");
        }
    }

    /** The nice value of each thread of a process by its (15-character) name; Linux only. */
    private static Map<String, Integer> niceByThread(long pid) throws IOException {
        Map<String, Integer> nice = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    nice.put(Files.readString(t.resolve("comm")).strip(), Integer.parseInt(f[16]));
                } catch (IOException e) {
                    // the thread ended
                }
            }
        }
        return nice;
    }

    private static void signal(String sig, Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
    }

    @Test
    void versionAndExitCodesPassThroughTheLauncher() throws Exception {
        Result version = run("version");
        assertEquals(0, version.exit(), version.toString());
        assertEquals("code-proxy " + expectedVersion(), version.stdout().strip());
        assertNoJvmNoise(version.stderr());

        Result bad = run("serve", "--port", "not-a-port", "--data-dir", tmp.resolve("unused").toString());
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.stderr().contains("--port"), bad.toString());
        assertEquals("", bad.stdout());
    }

    // ------------------------------------------------------------------ helpers

    private static String expectedVersion() {
        String v = System.getProperty("codeproxy.version");
        assertTrue(v != null && !v.isBlank() && !v.startsWith("${"), "surefire sets codeproxy.version");
        assertNotEquals("dev", v);
        return v;
    }

    /** Nothing from the JVM itself: no AOT cache complaints, no restricted-method warnings. */
    private static void assertNoJvmNoise(String stderr) {
        for (String line : stderr.lines().toList()) {
            assertFalse(line.contains("[warning]") || line.contains("[error]") || line.startsWith("WARNING:")
                    || line.contains("SLF4J"), "unexpected JVM/library output on stderr: " + stderr);
        }
    }

    /** The repository root: the directory with mvnw, from surefire's property or walking up from user.dir. */
    private static Path image() {
        String repo = System.getProperty("codeproxy.repo");
        Path root = repo != null && !repo.isBlank() && !repo.startsWith("${") ? Path.of(repo) : null;
        if (root == null) {
            for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
                if (Files.exists(p.resolve("mvnw"))) {
                    root = p;
                    break;
                }
            }
        }
        if (root == null) {
            fail("cannot find the repository root (no mvnw above " + System.getProperty("user.dir") + ")");
        }
        return root.resolve("dist/code-proxy");
    }

    /**
     * A process of the image's launcher with no JDK around: JAVA_HOME unset and a PATH whose
     * first entry has a {@code java} that fails loudly, so using any java but the image's shows.
     */
    private ProcessBuilder builder(List<String> args, Map<String, String> extraEnv) throws IOException {
        ProcessBuilder pb = builder(args);
        pb.environment().putAll(extraEnv);
        return pb;
    }

    private ProcessBuilder builder(List<String> args) throws IOException {
        Path fakeBin = tmp.resolve("fake-bin");
        if (!Files.exists(fakeBin.resolve("java"))) {
            Files.createDirectories(fakeBin);
            Path java = fakeBin.resolve("java");
            Files.writeString(java, "#!/bin/sh\necho 'a java from the PATH was used, not the image' >&2\nexit 97\n");
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("JAVA") || k.startsWith("JDK_") || k.startsWith("CODE_PROXY_")
                || k.equals("CLASSPATH") || k.equals("MAVEN_OPTS"));
        env.put("PATH", fakeBin + ":/usr/bin:/bin");
        env.put("HOME", tmp.toString());
        env.put("XDG_DATA_HOME", tmp.resolve("xdg-data").toString());
        env.put("CLAUDE_CONFIG_DIR", tmp.resolve("claude-config").toString());
        env.put("CODE_PROXY_CLIENT_TOKEN", TOKEN);
        return pb;
    }

    private Process start(List<String> args) throws IOException {
        Process p = builder(args).start();
        processes.add(p);
        return p;
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private Result run(String... args) throws Exception {
        Process p = start(List.of(args));
        p.getOutputStream().close();
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        assertTrue(p.waitFor(START.toSeconds(), TimeUnit.SECONDS), "code-proxy " + String.join(" ", args)
                + " did not finish");
        return new Result(p.exitValue(), out.finish(), err.finish());
    }

    /** Reads a process stream to its end on a virtual thread; the first line is also a future. */
    private static final class Drain {
        final StringBuffer text = new StringBuffer();
        final CompletableFuture<String> firstLine = new CompletableFuture<>();
        final Thread thread;

        Drain(InputStream in) {
            thread = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        firstLine.complete(line);
                        text.append(line).append('\n');
                    }
                } catch (IOException e) {
                    // the process is gone
                }
                firstLine.complete(null);
            });
        }

        String text() {
            return text.toString();
        }

        /** The whole output, once the process has exited and the stream has reached its end. */
        String finish() throws InterruptedException {
            thread.join(Duration.ofSeconds(10));
            return text.toString();
        }
    }

    /**
     * Claude Code's statusLine command of the image ({@code bin/code-proxy-statusline}, sh and
     * curl): reads the session from Claude Code's JSON on stdin, finds the server through the data
     * directory (or Claude Code's own environment) and prints the proxy's line; a refused token
     * and a stopped proxy give a fallback line, exit 0. The PATH's java fails loudly (see builder),
     * so a launcher that started a JVM would show. Sonnet 4.5: 100,000 * 3 + 10,000 * 15 = $0.45.
     */
    @Test
    void statusLineLauncherEndToEnd() throws Exception {
        Path statusline = image().resolve("bin/code-proxy-statusline");
        assertTrue(Files.isExecutable(statusline), statusline + " is in the image");
        Path data = tmp.resolve("statusline-data");
        Files.writeString(tmp.resolve("one.json"), """
                {"format": "code-proxy/1", "settings": {"claudeStatusLine": true}, "endpoints": [
                  {"name": "fake", "baseUrl": "%s", "apiKey": "%s"}]}
                """.formatted(upstream.baseUrl(), KEY));
        assertEquals(0, run("import", tmp.resolve("one.json").toString(), "--data-dir", data.toString()).exit());
        Path claudeSettings = tmp.resolve("claude-config").resolve("settings.json");
        Served served = serve(data);
        // opted in: Claude Code's settings get the image's launcher as statusLine (the user had none)
        String applied = Files.readString(claudeSettings);
        JsonObject settingsJson;
        try (var r = Json.createReader(new StringReader(applied))) {
            settingsJson = r.readObject();
        }
        String command = settingsJson.getJsonObject("statusLine").getString("command");
        assertEquals("'" + statusline.toRealPath() + "' --data-dir '" + data.toAbsolutePath() + "'", command);
        assertFalse(applied.contains(TOKEN + "' "), "no token in the command");
        String session = "7b0e4a52-5d1c-4c55-8f0e-3f2a1c9d8e77";
        upstream.enqueue(Reply.json(200, "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"" + MODEL + "\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],"
                + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":100000,\"output_tokens\":10000}}"));
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(served.url() + "/v1/messages"))
                    .header("x-api-key", TOKEN).header("content-type", "application/json")
                    .header("x-claude-code-session-id", session)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"max_tokens\":16,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
        }
        String claudeJson = "{\"hook_event_name\":\"Status\",\"session_id\":\"" + session + "\","
                + "\"transcript_path\":\"/tmp/x.jsonl\",\"cwd\":\"/home/u/proj\",\"model\":{\"id\":\"" + MODEL
                + "\",\"display_name\":\"Sonnet\"},\"workspace\":{\"current_dir\":\"/home/u/proj\"}}";
        String expected = "⇄ fake · session \\$0\\.45 · today \\$0\\.45 · block \\$0\\.45, [0-4]h[0-5]\\dm left\n";
        // the request log writes within a fraction of a second: ask until the line has the cost
        String line = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!line.matches(expected) && System.nanoTime() < deadline) {
            line = statusLine(statusline, claudeJson, Map.of(), "--data-dir", data.toString()).stdout();
        }
        assertTrue(line.matches(expected), "through the data directory's server.json: " + line);

        // as Claude Code runs it: its environment holds the proxy's URL and token
        Map<String, String> claudeEnv = new HashMap<>();
        claudeEnv.put("CODE_PROXY_CLIENT_TOKEN", null);
        claudeEnv.put("ANTHROPIC_BASE_URL", served.url());
        claudeEnv.put("ANTHROPIC_AUTH_TOKEN", TOKEN);
        Result asClaude = statusLine(statusline, claudeJson, claudeEnv);
        assertTrue(asClaude.stdout().matches(expected), "through Claude Code's environment: " + asClaude);
        assertEquals("", asClaude.stderr());

        Map<String, String> wrong = new HashMap<>(claudeEnv);
        wrong.put("ANTHROPIC_AUTH_TOKEN", "cp-not-the-token");
        Result refused = statusLine(statusline, claudeJson, wrong);
        assertEquals(0, refused.exit());
        assertEquals("code-proxy: the client token was refused (" + served.url() + ")\n", refused.stdout());
        assertFalse(refused.stdout().contains("cp-not-the-token"));

        Result noSession = statusLine(statusline, "{}", claudeEnv);
        assertTrue(noSession.stdout().startsWith("⇄ fake · session $0.00 · today $0.45"), noSession.stdout());

        // as Claude Code runs its statusLine: sh -c COMMAND, with the settings' env
        Map<String, String> fromSettings = new HashMap<>();
        fromSettings.put("CODE_PROXY_CLIENT_TOKEN", null);
        settingsJson.getJsonObject("env").forEach((k, v) -> fromSettings.put(k, ((JsonString) v).getString()));
        Result viaSettings = statusLineCommand(command, claudeJson, fromSettings);
        assertTrue(viaSettings.stdout().matches(expected), "the command Claude Code runs: " + viaSettings);

        served.stop();
        Result down = statusLine(statusline, claudeJson, claudeEnv);
        assertEquals(0, down.exit());
        assertEquals("code-proxy: not running at " + served.url() + "\n", down.stdout());
        // the stop took the statusLine (and the env keys) back out
        assertFalse(Files.exists(claudeSettings) && Files.readString(claudeSettings).contains("statusLine"),
                "statusLine removed on stop");
    }

    /** Runs a statusLine command the way Claude Code does: {@code sh -c COMMAND}, JSON on stdin. */
    private Result statusLineCommand(String command, String stdin, Map<String, String> env) throws Exception {
        ProcessBuilder pb = builder(List.of());
        pb.command("sh", "-c", command);
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Process p = pb.start();
        processes.add(p);
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the statusLine command did not finish");
        return new Result(p.exitValue(), out.finish(), err.finish());
    }

    /** Runs the status line launcher with Claude Code's JSON on stdin (env values null: removed). */
    private Result statusLine(Path statusline, String stdin, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(statusline.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = builder(List.of());
        pb.command(cmd);
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        long t0 = System.nanoTime();
        Process p = pb.start();
        processes.add(p);
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the status line launcher did not finish");
        System.out.printf("status line launcher: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        return new Result(p.exitValue(), out.finish(), err.finish());
    }
}
