import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Build-time driver of the image (run by scripts/build with the build JDK and the test kit):
 *
 * <pre>
 * train   LAUNCHER AOT_FILE [JAVA_OPTS]
 *         training run: serve headless with -XX:AOTCacheOutput=AOT_FILE (and JAVA_OPTS), send
 *         typical traffic (dashboard, health, streamed and plain pass-through to a fake
 *         upstream, errors), SIGTERM; the JVM writes the cache as it exits
 * verify  LAUNCHER
 *         serve with -XX:AOTMode=on (fails if the cache cannot be mapped) and count the classes
 *         loaded from the cache until the first 200 on HEAD /
 * startup LAUNCHER RUNS
 *         time from process start to the first 200 on HEAD / with the AOT cache and without it
 *         (-XX:AOTMode=off), best and median of RUNS runs each, and the RSS then
 * </pre>
 *
 * Prints one result line on stdout; problems go to stderr, prefixed "code-proxy:".
 */
public final class Train {
    private static final String TOKEN = "cp-training-client-token";
    private static final String MODEL = "claude-sonnet-4-5";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: Train train|verify|startup LAUNCHER [ARG]");
        }
        Path launcher = Path.of(args[1]).toAbsolutePath();
        Path work = Files.createTempDirectory("code-proxy-train");
        int status;
        try (FakeUpstream upstream = FakeUpstream.start()) {
            Path data = work.resolve("data");
            importEndpoint(launcher, work, data, upstream);
            status = switch (args[0]) {
                case "train" -> train(launcher, data, upstream, Path.of(args[2]).toAbsolutePath(),
                        args.length > 3 ? args[3] : "", work);
                case "verify" -> verify(launcher, data, work);
                case "startup" -> startup(launcher, data, Integer.parseInt(args[2]), work);
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            };
        } finally {
            deleteTree(work);
        }
        System.exit(status);
    }

    // ------------------------------------------------------------------ modes

    private static int train(Path launcher, Path data, FakeUpstream upstream, Path aot, String opts, Path work)
            throws Exception {
        Files.deleteIfExists(aot);
        Server s = Server.start(launcher, data, 0, (opts + " -XX:AOTCacheOutput=" + aot).strip(), work);
        List<String> problems = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://127.0.0.1:" + s.port;
        String streamed = String.join("", SseFixtures.message(MODEL, 12));
        for (int i = 0; i < 40; i++) {
            expect(problems, 200, send(http, HttpRequest.newBuilder(URI.create(base + "/"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())));
            expect(problems, 200, send(http, HttpRequest.newBuilder(URI.create(base + "/")).GET()));
            send(http, HttpRequest.newBuilder(URI.create(base + "/observe/health")).GET());
            expect(problems, 404, send(http, HttpRequest.newBuilder(URI.create(base + "/no/such/path")).GET()));
            expect(problems, 401, send(http, HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                    .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.minimal(MODEL, true)))));

            upstream.enqueue(Reply.sse(SseFixtures.message(MODEL, 12)));
            HttpResponse<String> r = send(http, v1(base, "/v1/messages?beta=true")
                    .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.request(MODEL, true, 20_000))));
            expect(problems, 200, r);
            if (r.statusCode() == 200 && !streamed.equals(r.body())) {
                problems.add("streamed /v1/messages body differs from what the upstream sent");
            }
            upstream.enqueue(Reply.json(200, SseFixtures.jsonMessage(MODEL, "hello")));
            expect(problems, 200, send(http, v1(base, "/v1/messages")
                    .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.minimal(MODEL, false)))));
            upstream.enqueue(Reply.json(200, "{\"input_tokens\":12}"));
            expect(problems, 200, send(http, v1(base, "/v1/messages/count_tokens")
                    .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.minimal(MODEL, false)))));
            upstream.enqueue(Reply.json(200, "{\"data\":[],\"has_more\":false}"));
            expect(problems, 200, send(http, v1(base, "/v1/models?limit=5").GET()));
            upstream.enqueue(Reply.error(400, "invalid_request_error", "bad request"));
            expect(problems, 400, send(http, v1(base, "/v1/messages")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))));
        }
        http.close();
        long rss = rssKb(s.process.pid());
        // SIGTERM; the JVM then assembles the cache in a child JVM before it exits
        int exit = s.stop(Duration.ofMinutes(5));
        if (!Files.isRegularFile(aot) || Files.size(aot) == 0) {
            System.err.println("code-proxy: the training run (exit " + exit + ") wrote no AOT cache; its output:");
            System.err.print(s.output());
            return 1;
        }
        for (String p : problems.stream().distinct().limit(5).toList()) {
            System.err.println("code-proxy: training run: " + p);
        }
        System.out.println("aot cache " + Files.size(aot) + " bytes, " + (problems.isEmpty() ? "all training "
                + "requests answered as expected" : problems.size() + " unexpected answers")
                + (rss > 0 ? "; RSS after the training load " + rss / 1024 + " MB" : ""));
        return 0;
    }

    private static int verify(Path launcher, Path data, Path work) throws Exception {
        Path log = work.resolve("classload.log");
        int port = freePort();
        Server s = Server.start(launcher, data, port, "-XX:AOTMode=on -Xlog:class+load=info:file=" + log, work);
        long ms = s.awaitHead(START_TIMEOUT);
        int exit = s.stop(Duration.ofSeconds(20));
        if (ms < 0) {
            System.err.println("code-proxy: the image does not start with -XX:AOTMode=on (exit " + exit + "):");
            System.err.print(s.output());
            return 1;
        }
        long total;
        long cached;
        try (Stream<String> lines = Files.lines(log)) {
            List<String> l = lines.filter(x -> x.contains(" source: ")).toList();
            total = l.size();
            cached = l.stream().filter(x -> x.contains("source: shared objects file")).count();
        }
        System.out.println("AOT cache in use: " + cached + " of " + total + " classes loaded by the serve run "
                + "came from it");
        return cached * 2 > total ? 0 : 1;
    }

    private static int startup(Path launcher, Path data, int runs, Path work) throws Exception {
        // warm the OS file cache once, then alternate the two variants
        measure(launcher, data, "", work);
        List<Long> with = new ArrayList<>();
        List<Long> without = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            without.add(measure(launcher, data, "-XX:AOTMode=off", work)[0]);
            long[] m = measure(launcher, data, "", work);
            with.add(m[0]);
            rss.add(m[1]);
        }
        // the best of several runs: the least disturbed by whatever else the machine is doing
        System.out.println("start-up to the first 200 on HEAD / (best of " + runs + "): " + best(without)
                + " ms without the AOT cache, " + best(with) + " ms with it (medians " + median(without) + " and "
                + median(with) + " ms)" + (median(rss) > 0 ? "; RSS then " + median(rss) / 1024 + " MB" : ""));
        return 0;
    }

    /** {milliseconds to the first 200 on HEAD /, resident set size in KiB then (0 if unknown)}. */
    private static long[] measure(Path launcher, Path data, String opts, Path work) throws Exception {
        Server s = Server.start(launcher, data, freePort(), opts, work);
        long ms = s.awaitHead(START_TIMEOUT);
        long rss = rssKb(s.process.pid());
        s.stop(Duration.ofSeconds(20));
        if (ms < 0) {
            throw new IllegalStateException("the image did not answer HEAD / within " + START_TIMEOUT.toSeconds()
                    + " s:\n" + s.output());
        }
        return new long[] {ms, rss};
    }

    // ------------------------------------------------------------------ helpers

    private static void importEndpoint(Path launcher, Path work, Path data, FakeUpstream upstream) throws Exception {
        Path file = work.resolve("import.json");
        Files.writeString(file, """
                {"format":"code-proxy/1","endpoints":[{"name":"training","enabled":true,"priority":1,
                 "baseUrl":"%s","apiKey":"sk-ant-training-key","authHeader":"x-api-key"}]}
                """.formatted(upstream.baseUrl()));
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "import", file.toString(), "--replace",
                "--data-dir", data.toString()).redirectErrorStream(true);
        pb.environment().remove("CODE_PROXY_JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("code-proxy import failed:\n" + out);
        }
    }

    private static HttpRequest.Builder v1(String base, String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("x-api-key", TOKEN).header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json");
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder b) throws InterruptedException {
        HttpRequest r = b.timeout(Duration.ofSeconds(30)).build();
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(r.method() + " " + r.uri() + " failed: " + e, e);
        }
    }

    private static void expect(List<String> problems, int status, HttpResponse<String> r) {
        if (r.statusCode() != status) {
            problems.add(r.request().method() + " " + r.request().uri().getPath() + " answered " + r.statusCode()
                    + " (expected " + status + ")");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ss.getLocalPort();
        }
    }

    /** Resident set size of a process in KiB, 0 when unknown (not Linux). */
    private static long rssKb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }

    private static long best(List<Long> l) {
        return l.stream().mapToLong(Long::longValue).min().orElse(-1);
    }

    private static long median(List<Long> l) {
        List<Long> s = l.stream().sorted().toList();
        return s.get(s.size() / 2);
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    /** One {@code code-proxy serve --headless} process; output collected in memory. */
    private static final class Server {
        final Process process;
        final long startNanos;
        final int port;
        final StringBuffer out;

        private Server(Process process, long startNanos, int port, StringBuffer out) {
            this.process = process;
            this.startNanos = startNanos;
            this.port = port;
            this.out = out;
        }

        static Server start(Path launcher, Path data, int port, String javaOpts, Path work) throws Exception {
            // --no-claude-config: a training run must never point the user's Claude Code at itself
            ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "serve", "--headless", "--no-browser",
                    "--no-claude-config", "--host", "127.0.0.1", "--port", Integer.toString(port),
                    "--data-dir", data.toString())
                    .redirectErrorStream(true).directory(work.toFile());
            Map<String, String> env = pb.environment();
            env.put("CLAUDE_CONFIG_DIR", work.resolve("claude-config").toString());
            env.put("CODE_PROXY_CLIENT_TOKEN", TOKEN);
            env.put("CODE_PROXY_JAVA_OPTS", javaOpts);
            long t0 = System.nanoTime();
            Process p = pb.start();
            StringBuffer out = new StringBuffer();
            CompletableFuture<Integer> banner = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        out.append(line).append('\n');
                        if (line.startsWith("Code Proxy ") && line.contains(" listening on http://")) {
                            banner.complete(Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).strip()));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the process is gone
                }
                banner.complete(-1);
            });
            int actual = port;
            if (port == 0) {
                actual = banner.completeOnTimeout(-1, START_TIMEOUT.toSeconds(), TimeUnit.SECONDS).get();
                if (actual <= 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException("code-proxy serve printed no banner:\n" + out);
                }
            }
            return new Server(p, t0, actual, out);
        }

        String output() {
            return out.toString();
        }

        /** Milliseconds from process start to the first 200 on HEAD /, or -1 when the process died or timed out. */
        long awaitHead(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                try (Socket so = new Socket()) {
                    so.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                    so.setSoTimeout(10_000);
                    OutputStream o = so.getOutputStream();
                    o.write("HEAD / HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    o.flush();
                    InputStream in = so.getInputStream();
                    byte[] head = in.readNBytes(12);
                    if (new String(head, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200")) {
                        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
                    }
                } catch (ConnectException e) {
                    Thread.sleep(2);
                } catch (IOException e) {
                    Thread.sleep(2);
                }
            }
            return -1;
        }

        /**
         * SIGTERM, then waits; returns the exit code (-1 if it had to be killed). Through the
         * ProcessHandle: Process.destroy() would also close our end of the output pipe, and the
         * JVM's AOT cache assembly, which runs at exit, would die of SIGPIPE.
         */
        int stop(Duration timeout) throws InterruptedException {
            process.toHandle().destroy();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                return -1;
            }
            return process.exitValue();
        }
    }
}
