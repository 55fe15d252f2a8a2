package dev.codeproxy.app;

import dev.codeproxy.claude.ClaudeSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two instances (two data directories) and one Claude config directory, through the real
 * {@link ProxyServer} and real files, in every order of starts, stops and crashes: a generated
 * table of all sequences of up to four events and a seeded sample of six-event ones. A crash is
 * {@link ProxyServer#abandon()} (what {@code kill -9} leaves: the lock released, the settings not
 * restored); ImageTest does the same with real processes and {@code kill -9}.
 *
 * <p>After every step, {@code settings.json} is the original byte for byte, or points at the
 * instance that holds it: a running one, or one that crashed and nothing has run since. A start
 * never takes the file from a running instance (it says so); a start or a stop takes it back from
 * a crashed one. At the end of each sequence, once one more instance has started and stopped,
 * the file is the original byte for byte and no claim is left.
 */
class TwoInstancesClaudeTest {
    /** Odd formatting on purpose: only the original bytes compare equal, not a reprint. */
    static final String ORIGINAL = "{\n    \"model\":   \"opus\",\n  \"env\": {\"ANTHROPIC_BASE_URL\": \"https://gw.example/a\","
            + " \"ANTHROPIC_API_KEY\": \"sk-user-own-key\", \"FOO\": \"1\"},\n  \"apiKeyHelper\": \"~/bin/key.sh\"\n}\n";

    Path root;
    Path claudeDir;
    Path settings;
    final Map<String, Instance> instances = new LinkedHashMap<>();

    /** One data directory and, while it runs, its server. */
    final class Instance {
        final String name;
        final Path dataDir;
        ProxyServer server;
        String lastUrl;
        final ByteArrayOutputStream notices = new ByteArrayOutputStream();

        Instance(String name) throws IOException {
            this.name = name;
            this.dataDir = Files.createDirectories(root.resolve("data-" + name));
        }

        boolean running() {
            return server != null;
        }

        void start() {
            notices.reset();
            server = ProxyServer.start(ProxyServer.Options.builder()
                    .dataDir(dataDir)
                    .host("127.0.0.1")
                    .port(0)
                    .clientToken(TestProxy.TOKEN)
                    .claudeConfigDir(claudeDir)
                    .notices(new PrintStream(notices, true, StandardCharsets.UTF_8))
                    .build());
            lastUrl = server.url();
        }

        void stop() {
            server.close();
            server = null;
        }

        void crash() {
            server.abandon();
            server = null;
        }

        String notices() {
            return notices.toString(StandardCharsets.UTF_8);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("code-proxy-two");
        claudeDir = Files.createDirectories(root.resolve("claude"));
        settings = claudeDir.resolve(ClaudeSettings.FILE_NAME);
        instances.put("A", new Instance("A"));
        instances.put("B", new Instance("B"));
    }

    @AfterEach
    void tearDown() {
        for (Instance i : instances.values()) {
            if (i.running()) {
                i.stop();
            }
        }
        AdminServerTest.delete(root);
    }

    @Test
    void everyOrderOfStartsStopsAndCrashesEndsWithTheOriginalFile() throws Exception {
        List<List<String>> table = new ArrayList<>();
        for (int n = 2; n <= 4; n += 2) {
            table.addAll(sequences(n));
        }
        List<List<String>> six = sequences(6);
        Collections.shuffle(six, new Random(10));
        table.addAll(six.subList(0, 30));
        assertEquals(4 + 32 + 30, table.size());
        for (List<String> seq : table) {
            run(seq);
        }
    }

    @Test
    void theDashboardAndTheCommandLineDoNotTakeTheFileFromARunningInstanceEither() throws Exception {
        Files.writeString(settings, ORIGINAL);
        byte[] original = Files.readAllBytes(settings);
        Instance a = instances.get("A");
        Instance b = instances.get("B");
        a.start();
        b.start();
        byte[] held = Files.readAllBytes(settings);

        // B's dashboard: 409 naming A
        String admin = Files.readString(b.dataDir.resolve(ProxyServer.ADMIN_TOKEN_FILE)).strip();
        try (var http = HttpClient.newHttpClient()) {
            var r = http.send(HttpRequest.newBuilder(URI.create(b.server.url()
                            + "/_/api/claude/apply")).header("authorization", "Bearer " + admin)
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(409, r.statusCode(), r.body());
            assertTrue(r.body().contains("another Code Proxy that is running") && r.body().contains(a.lastUrl), r.body());
        }
        // B's command line: exit 1, one line naming A
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"claude", "apply", "--data-dir", b.dataDir.toString(), "--claude-config-dir",
                claudeDir.toString()}, Map.of("CODE_PROXY_CLIENT_TOKEN", TestProxy.TOKEN),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String line = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, line);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("data directory " + a.dataDir), line);
        assertArrayEquals(held, Files.readAllBytes(settings), "nothing changed");
        // and its status names the holder
        ByteArrayOutputStream status = new ByteArrayOutputStream();
        assertEquals(0, Cli.run(new String[] {"claude", "status", "--data-dir", b.dataDir.toString(),
                "--claude-config-dir", claudeDir.toString()}, Map.of(),
                new PrintStream(status, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())));
        assertTrue(status.toString(StandardCharsets.UTF_8).contains("held by:   another Code Proxy (pid "
                + ProcessHandle.current().pid() + ", " + a.lastUrl), status.toString(StandardCharsets.UTF_8));

        b.stop();
        a.stop();
        assertArrayEquals(original, Files.readAllBytes(settings));
    }

    /** Every valid sequence of n events: an instance starts only when stopped and ends only when running. */
    static List<List<String>> sequences(int n) {
        List<List<String>> out = new ArrayList<>();
        build(new ArrayList<>(), new boolean[2], n, out);
        return out;
    }

    private static void build(List<String> prefix, boolean[] running, int n, List<List<String>> out) {
        if (prefix.size() == n) {
            if (!running[0] && !running[1]) {
                out.add(List.copyOf(prefix));
            }
            return;
        }
        for (int i = 0; i < 2; i++) {
            String who = i == 0 ? "A" : "B";
            for (String what : running[i] ? List.of("stop", "crash") : List.of("start")) {
                prefix.add(who + " " + what);
                running[i] = !running[i];
                build(prefix, running, n, out);
                running[i] = !running[i];
                prefix.removeLast();
            }
        }
    }

    private void run(List<String> seq) throws IOException {
        Files.writeString(settings, ORIGINAL);
        byte[] original = Files.readAllBytes(settings);
        String holder = null; // who the file points at, by the rules in the class comment
        List<String> done = new ArrayList<>();
        for (String step : seq) {
            done.add(step);
            String where = "after " + done + ": ";
            Instance x = instances.get(step.substring(0, 1));
            String other = x.name.equals("A") ? "B" : "A";
            switch (step.substring(2)) {
                case "start" -> {
                    x.start();
                    if (holder != null && holder.equals(other) && instances.get(other).running()) {
                        assertTrue(x.notices().contains("points at another Code Proxy that is running (pid "
                                + ProcessHandle.current().pid() + ", " + instances.get(other).lastUrl), where + x.notices());
                    } else {
                        if (holder != null && holder.equals(other)) {
                            assertTrue(x.notices().contains("no longer running"), where + x.notices());
                        }
                        holder = x.name;
                    }
                }
                case "stop" -> {
                    x.stop();
                    if (x.name.equals(holder) || holder != null && !instances.get(holder).running()) {
                        holder = null;
                    }
                }
                case "crash" -> x.crash();
                default -> fail(step);
            }
            check(where, original, holder);
        }
        // one more instance starts and stops: whatever a crash left is taken back
        Instance last = instances.get("A");
        last.start();
        check("after " + done + " + A start: ", original, "A");
        last.stop();
        check("after " + done + " + A start, A stop: ", original, null);
        assertFalse(Files.exists(claudeDir.resolve("settings.json.code-proxy")), "claim left after " + done);
        for (Instance i : instances.values()) {
            assertFalse(Files.exists(i.dataDir.resolve(ClaudeSettings.LEDGER_NAME)), "ledger of " + i.name
                    + " left after " + done);
        }
    }

    private void check(String where, byte[] original, String holder) throws IOException {
        byte[] now = Files.readAllBytes(settings);
        if (holder == null) {
            assertArrayEquals(original, now, where + "expected the original, got:\n" + new String(now, StandardCharsets.UTF_8));
            return;
        }
        String text = new String(now, StandardCharsets.UTF_8);
        String url = instances.get(holder).lastUrl;
        assertTrue(text.contains("\"ANTHROPIC_BASE_URL\": \"" + url + "\""), where + "expected " + holder + " (" + url
                + "), got:\n" + text);
        assertFalse(text.contains("sk-user-own-key"), where + "the user's key is set aside while pointed at a proxy");
        assertFalse(Arrays.equals(original, now), where);
    }
}
