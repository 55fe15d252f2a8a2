package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.store.log.LogHealth;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data directory on a 16 MB tmpfs (mounted here; needs root, as in CI): filled up, the proxy
 * keeps serving, the rows wait, the output says so once, the API and metrics show it, and when
 * space comes back every row arrives and the output says that once too.
 */
class FullDiskTest {
    static final String ADMIN = "cpa-full-disk-admin-token-0123456789abcdef";

    @Test
    void aFullDiskLosesNoRowAndSaysSoOnceEachWay() throws Exception {
        Path mount = Files.createTempDirectory("code-proxy-tmpfs");
        String why = mount(mount);
        Assumptions.assumeTrue(why == null, () -> "skipped: cannot mount a 16 MB tmpfs at " + mount
                + " (needs root and mount(8); CI runs as root): " + why);
        List<LogRecord> lines = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("dev.codeproxy.store.log.RequestLog");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        Path data = mount.resolve("data");
        Path claude = Files.createTempDirectory("code-proxy-claude");
        try (FakeUpstream up = FakeUpstream.start()) {
            up.setDefault(Reply.sse(SseFixtures.message("claude-sonnet-4-5", 2)));
            try (Store s = new Store(data)) {
                s.settings.putAll(Map.of("claudeConfig", "false"));
                s.endpoints.add(new Endpoint(0, "main", "", true, 1, 1, up.baseUrl(), "k-1", null,
                        600_000, null, false));
            }
            ProxyServer server = ProxyServer.start(ProxyServer.Options.builder()
                    .dataDir(data)
                    .host("127.0.0.1")
                    .port(0)
                    .clientToken(TestProxy.TOKEN)
                    .claudeConfigDir(claude)
                    .adminToken(ADMIN)
                    .build());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            SplittableRandom random = new SplittableRandom(3);
            try {
                assertEquals(10, send(http, server, random, 10));
                server.requestLog().flush();
                long before = rows(data);
                assertEquals(10, before);

                Path filler = mount.resolve("filler");
                fill(filler);
                // 200 requests with bodies of their own (each needs new pages): every one is served
                assertEquals(200, send(http, server, random, 200), "the proxy keeps serving");
                await("the log notices the full disk", () -> server.requestLog().health().failing());
                LogHealth h = server.requestLog().health();
                assertTrue(h.reason() != null && !h.reason().isBlank(), "says why: " + h);
                assertTrue(h.waiting() > 0, "rows wait: " + h);
                assertEquals(0, h.dropped());
                String api = get(http, server, "/_/api/log-health");
                assertTrue(api.contains("\"failing\":true"), api);
                String metrics = get(http, server, "/observe/metrics");
                assertTrue(metrics.contains("code_proxy_log_failing 1"), "metric while failing");
                // a few more while it fails: they wait too
                assertEquals(20, send(http, server, random, 20));

                Files.delete(filler);
                await("the log writes again", () -> !server.requestLog().health().failing()
                        && server.requestLog().queueDepth() == 0);
                server.requestLog().flush();
                assertEquals(before + 220, rows(data), "every row arrived");
                assertEquals(0, server.requestLog().dropped());
                assertTrue(get(http, server, "/_/api/log-health").contains("\"failing\":false"));
                assertTrue(get(http, server, "/observe/metrics").contains("code_proxy_log_failing 0"));
                // each episode is said once each way: "cannot write", then "writing again" once what
                // waited is written (normally one episode; a full disk that takes a batch now and then
                // stays one episode while requests wait)
                List<String> said = new ArrayList<>();
                for (LogRecord r : lines) {
                    String m = String.valueOf(r.getMessage());
                    if (r.getLevel() == Level.WARNING && m.contains("cannot write")) {
                        said.add("failing");
                    } else if (m.contains("writing again")) {
                        said.add("recovered");
                    }
                }
                assertTrue(said.size() >= 2 && said.size() % 2 == 0, "said: " + messages(lines));
                for (int i = 0; i < said.size(); i++) {
                    assertEquals(i % 2 == 0 ? "failing" : "recovered", said.get(i), "said: " + messages(lines));
                }
            } finally {
                server.close();
                http.close();
            }
        } finally {
            logger.removeHandler(capture);
            // never mask the test's own failure: a busy mount is detached lazily, leftovers stay in /tmp
            if (run("umount", mount.toString()) != null) {
                run("umount", "-l", mount.toString());
            }
            try {
                Files.deleteIfExists(mount);
            } catch (IOException ignored) {
                // still mounted: the system's tmp cleaning takes it
            }
            AdminServerTest.delete(claude);
        }
    }

    private static List<String> messages(List<LogRecord> lines) {
        List<String> out = new ArrayList<>();
        lines.forEach(r -> out.add(r.getLevel() + " " + r.getMessage()));
        return out;
    }

    /** Mounts a 16 MB tmpfs; null when done, else why not. */
    static String mount(Path at) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not running as root";
        }
        return run("mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", at.toString());
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? null : command[0] + " exited " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Writes until the file system is full. */
    private static void fill(Path file) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            assertTrue(String.valueOf(full.getMessage()).toLowerCase(Locale.ROOT).contains("space"),
                    "filled up: " + full);
        }
    }

    private static int send(HttpClient http, ProxyServer server, SplittableRandom random, int n) throws Exception {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            StringBuilder noise = new StringBuilder();
            while (noise.length() < 8_000) {
                noise.append(Long.toHexString(random.nextLong()));
            }
            String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,\"stream\":true,\"messages\":[{\"role\":"
                    + "\"user\",\"content\":\"" + noise + "\"}]}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                            + "/v1/messages")).timeout(Duration.ofSeconds(30)).header("x-api-key", TestProxy.TOKEN)
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                ok++;
            }
        }
        return ok;
    }

    private static String get(HttpClient http, ProxyServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long rows(Path data) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("code-proxy.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM requests")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits for a state (up to a minute): the log notices and recovers on its own schedule. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
