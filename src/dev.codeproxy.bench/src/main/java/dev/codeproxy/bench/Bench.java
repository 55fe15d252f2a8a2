package dev.codeproxy.bench;

import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;

import java.io.IOException;
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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The benchmark (a program that prints numbers; not a test). See {@code docs/benchmarks.md}.
 *
 * <pre>
 * Bench --launcher dist/code-proxy/bin/code-proxy [--out target/bench] [--tmp DIR] [--nginx PATH] [--wrk PATH]
 *       [--pin-cpu N] [--phases latency,claude,stream,memory,throughput,dashboard,startup,size] [--quick] [--stream-delay-ms N]
 * </pre>
 *
 * The fake upstream, the lean upstream and the client run inside this JVM (which
 * {@code scripts/bench} pins to the client core); the proxy and nginx are started pinned to
 * {@code --pin-cpu}. Everything listens on 127.0.0.1 only and every phase is bounded in count and
 * time. Writes the table to {@code OUT/table.md}.
 */
public final class Bench {
    static final String MODEL = FakeUpstream.DEFAULT_MODEL;
    static final String PATH = "/v1/messages";
    static final Set<String> ALL_PHASES =
            new LinkedHashSet<>(List.of("latency", "claude", "stream", "memory", "throughput", "dashboard", "startup", "size"));
    /** Phases run only when asked for: {@code sequential} is the claude phase's sequential rows alone, quicker. */
    static final Set<String> EXTRA_PHASES = Set.of("sequential");

    // targets
    static final double ADDED_LATENCY_P99_MS = 0.5;
    static final double ADDED_TTFT_P99_MS = 1.0;
    static final double THROUGHPUT_RATIO = 0.7;
    /** Claude Code-sized bodies (50 KB, 200 KB), JSON and SSE answers: at least half of nginx's rate. */
    static final double CLAUDE_THROUGHPUT_RATIO = 0.5;
    static final double CLAUDE_ADDED_P50_MS = 0.2;
    static final double CLAUDE_ADDED_P99_MS = 1.0;
    static final long CLAUDE_RSS_LIMIT_MB = 250;
    static final double LOG_COST = 0.15;
    static final double PAUSE_LIMIT_MS = 5;
    /** The request target Claude Code sends. */
    static final String CC_PATH = ClaudeCodeBodies.MESSAGES_TARGET;
    static final long RSS_LIMIT_MB = 400;
    static final double STARTUP_S = 0.5;
    static final long IMAGE_LIMIT_MB = 60;
    static final long STALL_NANOS = 40_000_000L;

    private Bench() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (Exception e) {
            System.err.println("bench: " + e);
            e.printStackTrace();
            Children.stopAll();
            System.exit(1);
        }
    }

    static int run(String[] args) throws Exception {
        Path launcher = null;
        Path out = Path.of("target/bench");
        Path tmpArg = null;
        Path nginx = null;
        Path wrk = null;
        Integer pinCpu = null;
        boolean quick = false;
        int streamDelayMs = 10;
        Set<String> phases = new LinkedHashSet<>(ALL_PHASES);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--launcher" -> launcher = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--tmp" -> tmpArg = Path.of(args[++i]);
                case "--nginx" -> nginx = optionalPath(args[++i]);
                case "--wrk" -> wrk = optionalPath(args[++i]);
                case "--pin-cpu" -> pinCpu = Integer.parseInt(args[++i]);
                case "--quick" -> quick = true;
                case "--stream-delay-ms" -> streamDelayMs = Integer.parseInt(args[++i]);
                case "--phases" -> {
                    phases = new LinkedHashSet<>(List.of(args[++i].split(",")));
                    Set<String> known = new LinkedHashSet<>(ALL_PHASES);
                    known.addAll(EXTRA_PHASES);
                    if (!known.containsAll(phases)) {
                        System.err.println("bench: --phases: expected a comma-separated subset of " + known);
                        return 2;
                    }
                }
                default -> {
                    System.err.println("bench: unknown argument " + a + "; usage: Bench --launcher PATH "
                            + "[--out DIR] [--tmp DIR] [--nginx PATH] [--wrk PATH] [--pin-cpu N] [--phases LIST] [--quick] "
                            + "[--stream-delay-ms N]");
                    return 2;
                }
            }
        }
        if (launcher == null || !Files.isExecutable(launcher)) {
            System.err.println("bench: --launcher: not an executable file: " + launcher);
            return 2;
        }
        launcher = launcher.toAbsolutePath();
        Files.createDirectories(out);
        out = out.toAbsolutePath();
        // the name matters: scripts/bench kills leftovers whose command line contains "code-proxy-bench-"
        Path tmp = tmpArg != null ? Files.createDirectories(tmpArg).toAbsolutePath()
                : Files.createTempDirectory("code-proxy-bench-");
        Children.init(out.resolve("pids"));
        List<String> prefix = pinCpu == null ? List.of() : List.of("taskset", "-c", Integer.toString(pinCpu));
        String placement = pinCpu == null
                ? "no CPU pinning (taskset missing or fewer than 2 cores)"
                : "proxy and nginx on CPU " + pinCpu + "; client, fake upstream and wrk on the other CPU(s)";
        Path imageDir = launcher.getParent() != null && launcher.getParent().getParent() != null
                ? launcher.getParent().getParent() : launcher.getParent();
        Env env = new Env(launcher, imageDir, out, tmp, nginx, wrk, prefix, placement);
        Files.createDirectories(env.home);
        try {
            Report report = new Report();
            CpuLoad load = new CpuLoad();
            new Run(env, report, phases, quick, streamDelayMs).all();
            Children.stopAll();
            double others = load.othersPercentOfOneCore();
            if (!Double.isNaN(others)) {
                report.note("other processes on this machine used " + Report.num(others, "%.0f")
                        + "% of one core on average during the run" + (others > 10
                        ? " — the machine was not quiet, so tails (p99, max) are inflated for every target" : ""));
            }
            String table = report.markdown();
            Files.writeString(out.resolve("table.md"), table, StandardCharsets.UTF_8);
            System.out.println();
            System.out.print(table);
            return 0;
        } finally {
            Children.stopAll();
            deleteTree(tmp);
        }
    }

    private static Path optionalPath(String s) {
        return s.isBlank() || s.equals("none") ? null : Path.of(s);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** One benchmark run: phases in order, shared upstreams and processes. */
    private static final class Run {
        private final Env env;
        private final Report report;
        private final Set<String> phases;
        private final boolean quick;
        private final byte[] smallBody = ClaudeCodeBodies.minimal(MODEL, false).getBytes(StandardCharsets.UTF_8);
        private final byte[] streamBody = ClaudeCodeBodies.minimal(MODEL, true).getBytes(StandardCharsets.UTF_8);
        private int stallsProxy;
        private int stallsDirect;
        private int stallsNginx = -1;
        private final List<String> stallWhere = new ArrayList<>();

        private final int streamDelayMs;

        Run(Env env, Report report, Set<String> phases, boolean quick, int streamDelayMs) {
            this.streamDelayMs = streamDelayMs;
            this.env = env;
            this.report = report;
            this.phases = phases;
            this.quick = quick;
        }

        /**
         * Two proxy runs, each pinned to the proxy core: the first forwards to the lean upstream
         * (non-streaming latency, throughput: hundreds of thousands of requests, which the test
         * kit's fake would all keep in memory), the second to the test kit's fake (streams with
         * scripted timing, open streams for the memory reading).
         */
        void all() throws Exception {
            System.out.println("Code Proxy benchmark; " + env.placement);
            detectServeFlags();
            boolean lean1 = phases.contains("latency") || phases.contains("throughput") || phases.contains("claude")
                    || phases.contains("sequential");
            boolean fake2 = phases.contains("stream") || phases.contains("memory");
            try (FakeUpstream fake = FakeUpstream.start(); LeanUpstream lean = LeanUpstream.start()) {
                int nginxFakePort = Env.freePort();
                int nginxLeanPort = Env.freePort();
                Nginx nginx = null;
                if (env.nginx != null && (phases.contains("latency") || phases.contains("stream")
                        || phases.contains("throughput") || phases.contains("claude") || phases.contains("sequential"))) {
                    try {
                        nginx = Nginx.start(env, new int[][] {{nginxFakePort, fake.port()},
                                {nginxLeanPort, lean.port()}});
                    } catch (IOException e) {
                        report.note("nginx could not be started (" + e.getMessage().strip() + "); nginx rows are n/a");
                    }
                }
                try {
                    if (lean1) {
                        Path data = env.tmp.resolve("data-lean");
                        ProxyProcess.importEndpoint(env, data, "http://127.0.0.1:" + lean.port());
                        try (ProxyProcess proxy = ProxyProcess.start(env, data, Env.freePort(), true, "proxy-lean.log")) {
                            proxy.awaitReady(Duration.ofSeconds(60), 10);
                            Children.note(proxy.javaPid());
                            List<Target> targets = targets(lean.port(), proxy.port, nginx == null ? -1 : nginxLeanPort);
                            jitWarmup(proxy);
                            if (phases.contains("latency")) {
                                latency(targets);
                            }
                            if (phases.contains("claude")) {
                                claude(lean, proxy, nginx, nginx == null ? -1 : nginxLeanPort, data, targets);
                            } else if (phases.contains("sequential")) {
                                sequentialAlone(lean, proxy, data, targets);
                            }
                            if (phases.contains("throughput")) {
                                throughput(lean, proxy, nginx, nginx == null ? -1 : nginxLeanPort, data);
                            }
                            gcPauses(proxy);
                            if (!proxy.alive()) {
                                throw new IOException("the proxy died: " + proxy.tail());
                            }
                        }
                    }
                    if (phases.contains("dashboard")) {
                        dashboard(lean);
                    }
                    if (fake2) {
                        Path data = env.tmp.resolve("data-fake");
                        ProxyProcess.importEndpoint(env, data, fake.baseUrl());
                        try (ProxyProcess proxy = ProxyProcess.start(env, data, Env.freePort(), true, "proxy-fake.log")) {
                            proxy.awaitReady(Duration.ofSeconds(60), 10);
                            Children.note(proxy.javaPid());
                            List<Target> targets = targets(fake.port(), proxy.port, nginx == null ? -1 : nginxFakePort);
                            if (phases.contains("stream")) {
                                stream(fake, targets);
                            }
                            if (phases.contains("memory")) {
                                memory(fake, proxy);
                            }
                            if (!proxy.alive()) {
                                throw new IOException("the proxy died: " + proxy.tail());
                            }
                        }
                    }
                    if (phases.contains("latency") || phases.contains("stream")) {
                        stallRow();
                    }
                } finally {
                    if (nginx != null) {
                        nginx.close();
                    }
                }
            }
            if (phases.contains("startup")) {
                startup();
            }
            if (phases.contains("size")) {
                size();
            }
        }

        /**
         * A fresh JVM compiles for seconds (one core: the compiler competes with requests), so the
         * proxy is first driven hard for a while: what is measured is a warm proxy, like one that
         * has been serving for a while.
         */
        private void jitWarmup(ProxyProcess proxy) throws Exception {
            int seconds = quick ? 3 : 10;
            System.out.println("warm-up: " + seconds + " s of load on the fresh proxy (JIT compilation)");
            if (env.wrk != null) {
                new Wrk(env.wrk, env.tmp, PATH, new String(smallBody, StandardCharsets.UTF_8)).run(proxy.port, 16, seconds);
            } else {
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    LatencyBench.run(List.of(new Target("proxy", proxy.port)), PATH, smallBody, 1000, 0, 0);
                }
            }
        }

        private static List<Target> targets(int direct, int proxy, int nginx) {
            List<Target> targets = new ArrayList<>();
            targets.add(new Target("direct", direct));
            targets.add(new Target("proxy", proxy));
            if (nginx > 0) {
                targets.add(new Target("nginx", nginx));
            }
            return targets;
        }

        /** Adds flags the image supports and the bench wants (keep the real ~/.claude untouched). */
        private void detectServeFlags() throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(env.launcher.toString(), "serve", "--help").redirectErrorStream(true);
            pb.environment().put("HOME", env.home.toString());
            Process p = Children.start(pb);
            String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            List<String> flags = new ArrayList<>();
            if (help.contains("--no-claude-config")) {
                flags.add("--no-claude-config");
            }
            env.extraServeFlags = flags;
            ProcessBuilder vb = new ProcessBuilder(env.launcher.toString(), "version").redirectErrorStream(true);
            vb.environment().put("HOME", env.home.toString());
            Process v = Children.start(vb);
            String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            v.waitFor(60, TimeUnit.SECONDS);
            System.out.println("image: " + env.launcher + " (" + version.lines().findFirst().orElse("?") + ")");
        }

        // ------------------------------------------------------------ latency

        private void latency(List<Target> targets) throws IOException {
            int warm = quick ? 500 : 2000;
            int rounds = 5;
            int per = quick ? 200 : 1000;
            System.out.println("latency: " + warm + " warm-up + " + rounds * per
                    + " measured sequential non-streaming requests per target (" + smallBody.length + " B body)");
            Map<String, Samples> r = LatencyBench.run(targets, PATH, smallBody, warm, rounds, per);
            r.forEach((k, v) -> System.out.println("    " + k + ": " + v.summary()));
            Samples direct = r.get("direct");
            Samples proxy = r.get("proxy");
            Samples nginx = r.get("nginx");
            report.info("Non-streaming latency, direct (client → upstream) p50 / p99",
                    Report.ms(direct.ms(50)) + " / " + Report.ms(direct.ms(99)));
            report.info("Non-streaming latency via proxy p50 / p99 / max",
                    Report.ms(proxy.ms(50)) + " / " + Report.ms(proxy.ms(99)) + " / " + Report.ms(proxy.maxMs()));
            double addedP99 = proxy.ms(99) - direct.ms(99);
            report.row("Added latency, proxy − direct, p50 / p99",
                    Report.ms(proxy.ms(50) - direct.ms(50)) + " / " + Report.ms(addedP99),
                    "p99 ≤ 0.5 ms", addedP99 <= ADDED_LATENCY_P99_MS);
            if (nginx != null) {
                report.info("Added latency, nginx − direct, p50 / p99",
                        Report.ms(nginx.ms(50) - direct.ms(50)) + " / " + Report.ms(nginx.ms(99) - direct.ms(99)));
            } else {
                report.info("Added latency, nginx − direct, p50 / p99", "n/a (nginx not installed)");
            }
            countStalls("non-streaming requests", r, s -> s, STALL_NANOS);

            // a client that is not in a hurry (Claude Code sends a request every few seconds): after an
            // idle pause the proxy's threads are parked and its CPU may be asleep
            int pause = 50;
            int paced = quick ? 40 : 100;
            System.out.println("latency: " + 2 * paced + " requests per target, each after " + pause + " ms idle");
            Map<String, Samples> ri = LatencyBench.run(targets, PATH, smallBody, 0, 2, paced, pause);
            ri.forEach((k, v) -> System.out.println("    " + k + ": " + v.summary()));
            Samples id = ri.get("direct");
            Samples ip = ri.get("proxy");
            Samples in = ri.get("nginx");
            report.info("Added latency after " + pause + " ms idle, proxy p50 / p99",
                    Report.ms(ip.ms(50) - id.ms(50)) + " / " + Report.ms(ip.ms(99) - id.ms(99)));
            if (in != null) {
                report.info("Added latency after " + pause + " ms idle, nginx p50 / p99",
                        Report.ms(in.ms(50) - id.ms(50)) + " / " + Report.ms(in.ms(99) - id.ms(99)));
            }
            countStalls("requests after idle", ri, s -> s, STALL_NANOS);

            // a Claude Code-sized body: the proxy buffers it and rewrites the model, so size matters
            byte[] big = ClaudeCodeBodies.request(MODEL, false, 64 * 1024).getBytes(StandardCharsets.UTF_8);
            int bigWarm = quick ? 200 : 500;
            int bigPer = quick ? 100 : 400;
            System.out.println("latency: " + bigWarm + " warm-up + " + rounds * bigPer + " measured with a "
                    + big.length / 1024 + " KiB Claude Code request body");
            Map<String, Samples> rb = LatencyBench.run(targets, PATH, big, bigWarm, rounds, bigPer);
            rb.forEach((k, v) -> System.out.println("    " + k + ": " + v.summary()));
            Samples bd = rb.get("direct");
            Samples bp = rb.get("proxy");
            Samples bn = rb.get("nginx");
            report.info("Added latency with a 64 KiB Claude Code body, proxy p50 / p99",
                    Report.ms(bp.ms(50) - bd.ms(50)) + " / " + Report.ms(bp.ms(99) - bd.ms(99)));
            if (bn != null) {
                report.info("Added latency with a 64 KiB Claude Code body, nginx p50 / p99",
                        Report.ms(bn.ms(50) - bd.ms(50)) + " / " + Report.ms(bn.ms(99) - bd.ms(99)));
            }
            countStalls("64 KiB requests", rb, s -> s, STALL_NANOS);
        }

        // ------------------------------------------------------------ Claude Code-sized requests

        /**
         * What a Claude Code session costs: {@code POST /v1/messages?beta=true} with Claude
         * Code-shaped bodies of 50 KB and 200 KB, answered with a 1.1 KB JSON message or a whole
         * SSE message of 32 deltas; wrk at 64 connections direct, through the proxy and through
         * nginx; CPU per request of the proxy and of nginx; the proxy's RSS during and after; the
         * added sequential latency with the 50 KB body; the cost of the request log at 50 KB.
         */
        private void claude(LeanUpstream lean, ProxyProcess proxy, Nginx nginx, int nginxPort, Path data,
                            List<Target> targets) throws Exception {
            int[] sizes = {50_000, 200_000};
            Map<Integer, Path> files = bodyFiles(sizes);
            long pid = proxy.javaPid();
            if (env.wrk == null) {
                sequential(lean, targets, files, proxy.port, data);
                report.row("Throughput with Claude Code bodies", "n/a (wrk not installed)", "≥ 0.5× nginx", null);
                return;
            }
            int seconds = quick ? 3 : 8;
            // the framework alone on the same core (idle while the proxy runs), warmed the same way
            PassThroughProcess passThrough = PassThroughProcess.start(env, "http://127.0.0.1:" + lean.port());
            try {
                // warm the JIT on every variant first, round after round until the C2 compiler thread
                // is nearly idle: on one core the first variant measured otherwise pays for the
                // compilations (the 50 KB JSON row read 1,092 req/s cold and 2,121 warm in one run,
                // with C2 at 34 % of the proxy's CPU during it after one 3 s round per variant)
                warmAllVariants("claude", pid, proxy.port, lean, files, sizes);
                if (passThrough != null) {
                    warmAllVariants("pass-through", passThrough.pid(), passThrough.port, lean, files, sizes);
                }
                long hwmBefore = ProxyProcess.procStatus(pid, "VmHWM");
                claudeRows(lean, proxy, nginx, nginxPort, passThrough, data, files, sizes, seconds, hwmBefore);
                // last, with its own long warm-up: the sequential run measured right after start-up had
                // C2 compiling on the proxy's core for much of it (p90 2-4 ms), and the c64 rows measured
                // right after 40,000 sequential requests found the JIT recompiling for them (50 KB JSON at
                // 386 us per request instead of 250)
                sequential(lean, withPassThrough(targets, passThrough), files, proxy.port, data);
            } finally {
                if (passThrough != null) {
                    passThrough.close();
                }
            }
        }

        private void warmAllVariants(String phase, long pid, int port, LeanUpstream lean, Map<Integer, Path> files,
                                     int[] sizes) throws Exception {
            warmJit(phase, pid, () -> {
                for (int size : sizes) {
                    for (boolean stream : new boolean[] {false, true}) {
                        lean.reply(stream ? LeanUpstream.SSE_32 : LeanUpstream.JSON_1K);
                        Wrk.ofFile(env.wrk, env.tmp, "cc-warm", CC_PATH, files.get(stream ? -size : size))
                                .run(port, 64, quick ? 1 : 2);
                    }
                }
            });
        }

        private static List<Target> withPassThrough(List<Target> targets, PassThroughProcess passThrough) {
            if (passThrough == null) {
                return targets;
            }
            List<Target> all = new ArrayList<>(targets);
            all.add(new Target("pass-through", passThrough.port));
            return all;
        }

        /** The c64 rows of the claude phase: direct, proxy, nginx and the framework alone, per body and answer. */
        private void claudeRows(LeanUpstream lean, ProxyProcess proxy, Nginx nginx, int nginxPort,
                                PassThroughProcess passThrough, Path data, Map<Integer, Path> files, int[] sizes,
                                int seconds, long hwmBefore) throws Exception {
            long pid = proxy.javaPid();
            long rssPeak = 0;
            for (int size : sizes) {
                for (boolean stream : new boolean[] {false, true}) {
                    String label = size / 1000 + " KB, " + (stream ? "SSE 32 deltas" : "JSON 1.1 KB");
                    String tag = size / 1000 + (stream ? "k-sse" : "k-json");
                    lean.reply(stream ? LeanUpstream.SSE_32 : LeanUpstream.JSON_1K);
                    Wrk wrk = Wrk.ofFile(env.wrk, env.tmp, "cc-" + tag, CC_PATH, files.get(stream ? -size : size));
                    System.out.println("claude: wrk -t1 -c64 -d" + seconds + "s, " + label);
                    Wrk.Result direct = wrk.run(lean.port(), 64, seconds, env.out.resolve("wrk-cc-" + tag + "-direct.txt"));
                    Measured pm = measure(wrk, proxy.port, pid, 2, seconds, env.out.resolve("wrk-cc-" + tag + "-proxy.txt"));
                    Wrk.Result p = pm.result();
                    if (size == 200_000) {
                        rssPeak = Math.max(rssPeak, pm.rssKb());
                    }
                    System.out.println("    proxy CPU by thread: " + pm.byThread());
                    Wrk.Result n = null;
                    long nTicks = -1;
                    if (nginxPort > 0) {
                        wrk.run(nginxPort, 64, 1);
                        long n0 = CpuLoad.ticksOfTree(nginx.pid());
                        n = wrk.run(nginxPort, 64, seconds, env.out.resolve("wrk-cc-" + tag + "-nginx.txt"));
                        nTicks = CpuLoad.ticksOfTree(nginx.pid()) - n0;
                    }
                    String measured = Report.num(direct.requestsPerSecond(), "%.0f") + " / "
                            + Report.num(p.requestsPerSecond(), "%.0f") + " / "
                            + (n == null ? "n/a" : Report.num(n.requestsPerSecond(), "%.0f"));
                    Boolean met = null;
                    if (n != null) {
                        double ratio = p.requestsPerSecond() / n.requestsPerSecond();
                        measured += " = " + Report.num(ratio, "%.2f×") + " nginx";
                        met = ratio >= CLAUDE_THROUGHPUT_RATIO && p.non2xx() == 0 && p.socketErrors() == 0;
                    }
                    report.row("c64 req/s " + label + ": direct / proxy / nginx", measured, "≥ 0.5× nginx", met);
                    report.info("CPU per request, " + label + ": proxy / nginx",
                            cpuText(pm.ticks(), seconds, p) + " / " + (n == null ? "n/a" : cpuText(nTicks, seconds, n)));
                    Wrk.Result f = null;
                    if (passThrough != null) {
                        Measured fm = measure(wrk, passThrough.port, passThrough.pid(), 1, seconds,
                                env.out.resolve("wrk-cc-" + tag + "-passthrough.txt"));
                        f = fm.result();
                        report.info("c64 req/s " + label + ", the framework alone (Helidon pass-through, same runtime, "
                                        + "JVM options and core): req/s, × nginx, CPU per request, its RSS; proxy ÷ pass-through",
                                Report.num(f.requestsPerSecond(), "%.0f")
                                        + (n == null ? "" : " = " + Report.num(f.requestsPerSecond() / n.requestsPerSecond(), "%.2f×") + " nginx")
                                        + ", " + cpuText(fm.ticks(), seconds, f) + ", RSS up to "
                                        + Report.num(fm.rssKb() / 1024.0, "%.0f MB") + "; proxy "
                                        + Report.num(p.requestsPerSecond() / f.requestsPerSecond(), "%.2f×"));
                    }
                    for (Wrk.Result w : new Wrk.Result[] {direct, p, n, f}) {
                        if (w != null && (w.non2xx() > 0 || w.socketErrors() > 0)) {
                            report.note(label + ": wrk saw " + w.non2xx() + " non-2xx responses and "
                                    + w.socketErrors() + " socket errors in one run");
                        }
                    }
                }
            }
            long after = ProxyProcess.procStatus(pid, "VmRSS");
            long hwm = ProxyProcess.procStatus(pid, "VmHWM");
            double peakMb = Math.max(rssPeak, 0) / 1024.0;
            double afterMb = after / 1024.0;
            report.row("Proxy RSS during / after the 200 KB c64 runs (VmHWM of the process)",
                    Report.num(peakMb, "%.0f MB") + " / " + Report.num(afterMb, "%.0f MB") + " ("
                            + Report.num(hwm / 1024.0, "%.0f MB") + "; before the runs "
                            + Report.num(hwmBefore / 1024.0, "%.0f MB") + ")",
                    "≤ 250 MB", rssPeak > 0 && peakMb <= CLAUDE_RSS_LIMIT_MB && afterMb <= CLAUDE_RSS_LIMIT_MB);
            // the request log's cost at 50 KB bodies (full capture on, the default, against the log off)
            lean.reply(LeanUpstream.JSON_1K);
            Wrk wrk = Wrk.ofFile(env.wrk, env.tmp, "cc-log", CC_PATH, files.get(50_000));
            if (setRequestLog(proxy.port, data, false)) {
                Measured offRun = measure(wrk, proxy.port, pid, 2, seconds, env.out.resolve("wrk-cc-50k-nolog.txt"));
                Wrk.Result off = offRun.result();
                if (setRequestLog(proxy.port, data, true)) {
                    Measured onRun = measure(wrk, proxy.port, pid, 2, seconds, env.out.resolve("wrk-cc-50k-log.txt"));
                    Wrk.Result on = onRun.result();
                    double cost = 1 - on.requestsPerSecond() / off.requestsPerSecond();
                    report.row("Request log cost at 50 KB bodies, c64 req/s on / off",
                            Report.num(on.requestsPerSecond(), "%.0f") + " / "
                                    + Report.num(off.requestsPerSecond(), "%.0f") + ": "
                                    + Report.num(cost * 100, "%.0f") + "%", "≤ 15%", cost <= LOG_COST);
                    report.info("CPU per request, 50 KB JSON, request log on / off",
                            cpuText(onRun.ticks(), seconds, on) + " / " + cpuText(offRun.ticks(), seconds, off));
                    report.info("Proxy CPU by JVM thread, 50 KB JSON, request log on", onRun.byThread());
                }
            }
            lean.reply(LeanUpstream.DEFAULT);
        }

        /** "p50 / p99" of {@code target} minus {@code direct}, in ms. */
        private static String added(Samples target, Samples direct) {
            return Report.ms(target.ms(50) - direct.ms(50)) + " / " + Report.ms(target.ms(99) - direct.ms(99));
        }

        /** Claude Code-shaped request bodies of the given sizes, JSON (key size) and SSE (key -size) answers asked for. */
        private Map<Integer, Path> bodyFiles(int... sizes) throws IOException {
            Map<Integer, Path> files = new HashMap<>();
            for (int size : sizes) {
                for (boolean stream : new boolean[] {false, true}) {
                    Path f = env.tmp.resolve("body-" + size + (stream ? "-sse" : "-json") + ".json");
                    Files.write(f, ClaudeCodeBodies.request(MODEL, stream, size).getBytes(StandardCharsets.UTF_8));
                    files.put(stream ? -size : size, f);
                }
            }
            return files;
        }

        /**
         * The sequential rows of the claude phase alone ({@code --phases sequential}): the JIT
         * warmed with 50 KB bodies at 64 connections, then the sequential measurement.
         */
        private void sequentialAlone(LeanUpstream lean, ProxyProcess proxy, Path data, List<Target> targets)
                throws Exception {
            Map<Integer, Path> files = bodyFiles(50_000);
            PassThroughProcess passThrough = env.wrk == null ? null
                    : PassThroughProcess.start(env, "http://127.0.0.1:" + lean.port());
            try {
                if (env.wrk != null) {
                    lean.reply(LeanUpstream.JSON_1K);
                    Wrk warm = Wrk.ofFile(env.wrk, env.tmp, "cc-warm", CC_PATH, files.get(50_000));
                    warmJit("sequential", proxy.javaPid(), () -> warm.run(proxy.port, 64, quick ? 2 : 8));
                    if (passThrough != null) {
                        warmJit("pass-through", passThrough.pid(), () -> warm.run(passThrough.port, 64, quick ? 2 : 8));
                    }
                }
                sequential(lean, withPassThrough(targets, passThrough), files, proxy.port, data);
            } finally {
                if (passThrough != null) {
                    passThrough.close();
                }
            }
            lean.reply(LeanUpstream.DEFAULT);
        }

        /**
         * Sequential added latency with the 50 KB body and a JSON answer (the measurement),
         * then again with the request log off.
         */
        private void sequential(LeanUpstream lean, List<Target> targets, Map<Integer, Path> files, int proxyPort,
                                Path data) throws Exception {
            // sequential added latency with the 50 KB body, JSON answer (the measurement)
            lean.reply(LeanUpstream.JSON_1K);
            byte[] b50 = Files.readAllBytes(files.get(50_000));
            int warm = quick ? 300 : Integer.getInteger("bench.seqWarm", 20_000);
            int per = quick ? 200 : 1000;
            System.out.println("claude: sequential " + warm + " warm-up + " + 5 * per + " measured, " + b50.length
                    + " B Claude Code body, 1.1 KB JSON answer");
            Map<String, Samples> seq = LatencyBench.run(targets, CC_PATH, b50, warm, 5, per);
            seq.forEach((k, v) -> System.out.println("    " + k + ": " + v.summary()));
            Samples sd = seq.get("direct");
            Samples sp = seq.get("proxy");
            Samples sn = seq.get("nginx");
            double a50 = sp.ms(50) - sd.ms(50);
            double a99 = sp.ms(99) - sd.ms(99);
            report.row("Sequential added latency, 50 KB body, proxy − direct, p50 / p99",
                    Report.ms(a50) + " / " + Report.ms(a99), "p50 ≤ 0.2 ms, p99 ≤ 1 ms",
                    a50 <= CLAUDE_ADDED_P50_MS && a99 <= CLAUDE_ADDED_P99_MS);
            if (sn != null) {
                report.info("Sequential added latency, 50 KB body, nginx − direct, p50 / p99",
                        added(sn, sd));
            }
            Samples sf = seq.get("pass-through");
            if (sf != null) {
                report.info("Sequential added latency, 50 KB body, the framework alone (Helidon pass-through) − direct, p50 / p99",
                        added(sf, sd));
            }
            countStalls("50 KB requests", seq, x -> x, STALL_NANOS);
            // the same with the request log off: how much of the tail is the log's threads
            if (setRequestLog(proxyPort, data, false)) {
                try {
                    Map<String, Samples> off = LatencyBench.run(targets, CC_PATH, b50, warm, 5, per);
                    off.forEach((k, v) -> System.out.println("    log off, " + k + ": " + v.summary()));
                    Samples od = off.get("direct");
                    Samples op = off.get("proxy");
                    report.info("Sequential added latency, 50 KB body, request log off, proxy − direct, p50 / p99",
                            added(op, od));
                } finally {
                    setRequestLog(proxyPort, data, true);
                }
            }
        }

        /**
         * Proxied latency at 64 connections alone and while a dashboard reloads its statistics over a
         * log of 1,000,000 rows (see {@link DashboardBench}); its own proxy and data directory.
         */
        private void dashboard(LeanUpstream lean) throws Exception {
            Path sqlite3 = DashboardBench.sqlite3();
            if (sqlite3 == null || env.wrk == null) {
                report.note("dashboard phase: needs the sqlite3 command and wrk; its row is n/a");
                return;
            }
            Path data = env.tmp.resolve("data-dashboard");
            ProxyProcess.importEndpoint(env, data, "http://127.0.0.1:" + lean.port(), DashboardBench.settingsJson());
            long t0 = System.nanoTime();
            DashboardBench.seed(sqlite3, data.resolve("code-proxy.db"), env.tmp);
            System.out.printf(Locale.ROOT, "dashboard: %,d rows and their aggregates seeded in %.1f s%n",
                    DashboardBench.ROWS, (System.nanoTime() - t0) / 1e9);
            Path body = env.tmp.resolve("body-dashboard-50000.json");
            Files.write(body, ClaudeCodeBodies.request(MODEL, false, 50_000).getBytes(StandardCharsets.UTF_8));
            lean.reply(LeanUpstream.JSON_1K);
            int seconds = quick ? 4 : 8;
            try (ProxyProcess proxy = ProxyProcess.start(env, data, Env.freePort(), true, "proxy-dashboard.log")) {
                proxy.awaitReady(Duration.ofSeconds(60), 10);
                Children.note(proxy.javaPid());
                Wrk wrk = Wrk.ofFile(env.wrk, env.tmp, "cc-dashboard", CC_PATH, body);
                String token = Files.readString(data.resolve("admin-token")).strip();
                // warm the proxy and the dashboard's queries (the page cache holds the database after this)
                try (DashboardBench.Reloader warm = new DashboardBench.Reloader(proxy.port, token)) {
                    wrk.run(proxy.port, 64, quick ? 3 : 10);
                }
                Wrk.Result alone = wrk.run(proxy.port, 64, seconds, env.out.resolve("wrk-dashboard-alone.txt"));
                Wrk.Result with;
                DashboardBench.Reloader dash = new DashboardBench.Reloader(proxy.port, token);
                try (dash) {
                    Thread.sleep(500);
                    with = wrk.run(proxy.port, 64, seconds, env.out.resolve("wrk-dashboard-with.txt"));
                }
                Wrk.Result again = wrk.run(proxy.port, 64, seconds, env.out.resolve("wrk-dashboard-again.txt"));
                double a = Math.max(DashboardBench.p99Ms(alone.raw()), DashboardBench.p99Ms(again.raw()));
                double w = DashboardBench.p99Ms(with.raw());
                System.out.println("dashboard: p99 alone " + DashboardBench.ms(DashboardBench.p99Ms(alone.raw()))
                        + ", with the dashboard " + DashboardBench.ms(w) + ", alone again "
                        + DashboardBench.ms(DashboardBench.p99Ms(again.raw())) + "; " + dash.reloads() + " reloads, "
                        + Report.num(dash.msPerReload(), "%.0f ms") + " each, " + dash.failures() + " failed"
                        + (dash.firstFailure() == null ? "" : " (first: " + dash.firstFailure() + ")"));
                // the same at half the rate the proxy managed alone: wrk saturates the core, so its p99
                // is the length of the queue in front of the proxy, hundreds of ms either way
                double rate = Math.max(50, alone.requestsPerSecond() / 2);
                byte[] b = Files.readAllBytes(body);
                // each paced run starts once the proxy is idle (the request log drained what wrk left)
                awaitIdle(proxy.javaPid());
                Samples pacedAlone = PacedLoad.run(proxy.port, CC_PATH, b, 64, rate, seconds);
                Samples pacedWith;
                awaitIdle(proxy.javaPid());
                DashboardBench.Reloader dash2 = new DashboardBench.Reloader(proxy.port, token);
                try (dash2) {
                    Thread.sleep(500);
                    pacedWith = PacedLoad.run(proxy.port, CC_PATH, b, 64, rate, seconds);
                }
                awaitIdle(proxy.javaPid());
                Samples pacedAgain = PacedLoad.run(proxy.port, CC_PATH, b, 64, rate, seconds);
                double pa = Math.max(pacedAlone.ms(99), pacedAgain.ms(99));
                double pw = pacedWith.ms(99);
                System.out.println("dashboard: paced at " + Report.num(rate, "%.0f") + " req/s: alone "
                        + pacedAlone.summary() + "; with the dashboard " + pacedWith.summary() + "; alone again "
                        + pacedAgain.summary() + "; " + dash2.reloads() + " reloads, " + dash2.failures() + " failed");
                report.row("Proxied p99 at half capacity (" + Report.num(rate, "%.0f") + " req/s paced over 64 "
                                + "connections), 50 KB: alone (worse of two runs) / while the dashboard reloads over "
                                + "1,000,000 logged rows",
                        Report.ms(pa) + " / " + Report.ms(pw) + " (" + Report.num(pw - pa, "%+.2f ms") + "; "
                                + dash2.reloads() + " reloads, " + Report.num(dash2.msPerReload(), "%.0f ms") + " each)",
                        "rise ≤ 1 ms", dash2.failures() == 0 && pw - pa <= 1.0);
                report.info("Proxied c64 p99, 50 KB, saturated (wrk): alone (worse of two runs) / while the dashboard "
                                + "reloads over 1,000,000 logged rows",
                        DashboardBench.ms(a) + " / " + DashboardBench.ms(w) + " (" + Report.num(w - a, "%+.2f ms")
                                + "; " + dash.reloads() + " reloads of " + DashboardBench.RELOAD.size() + " calls, "
                                + Report.num(dash.msPerReload(), "%.0f ms") + " each; req/s "
                                + Report.num(alone.requestsPerSecond(), "%.0f") + " / "
                                + Report.num(with.requestsPerSecond(), "%.0f") + ")");
                if (!proxy.alive()) {
                    throw new IOException("the proxy died: " + proxy.tail());
                }
            } finally {
                lean.reply(LeanUpstream.DEFAULT);
            }
        }

        /** One round of load for {@link #warmJit}. */
        private interface Round {
            void run() throws Exception;
        }

        /**
         * Runs rounds of load until the proxy's C2 compiler thread used under 3 % of the proxy's CPU
         * in a round (at most 6 rounds): on one core, a row measured while C2 still compiles pays for
         * the compilations (the first claude row had C2 at 25-34 % of the proxy's CPU after one round).
         */
        private void warmJit(String phase, long pid, Round round) throws Exception {
            for (int r = 1; r <= (quick ? 1 : 6); r++) {
                Map<String, Long> t0 = CpuLoad.ticksByThread(pid);
                long all0 = CpuLoad.ticksOfTree(pid);
                round.run();
                long c2 = CpuLoad.ticksByThread(pid).getOrDefault("JIT C2", 0L) - t0.getOrDefault("JIT C2", 0L);
                long all = Math.max(1, CpuLoad.ticksOfTree(pid) - all0);
                System.out.println(phase + ": warm-up round " + r + ", JIT C2 at " + (100 * c2 / all)
                        + "% of the proxy's CPU");
                if (c2 * 100 < all * 3) {
                    return;
                }
            }
        }

        /** Waits (at most 15 s) until the process used under 5 % of a core for 500 ms. */
        private static void awaitIdle(long pid) throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < until) {
                long t0 = CpuLoad.ticksOfTree(pid);
                Thread.sleep(500);
                if (CpuLoad.ticksOfTree(pid) - t0 <= 2) { // clock ticks of 10 ms
                    return;
                }
            }
        }

        /** The proxy's longest GC pause in its GC log (the bench starts it with -Xlog:gc). */
        private void gcPauses(ProxyProcess proxy) {
            Path log = proxy.gcLog;
            if (log == null || !Files.exists(log)) {
                return;
            }
            double max = 0;
            int count = 0;
            int over = 0;
            // ZGC's stop-the-world pauses, and its allocation stalls: a thread that allocates
            // faster than the concurrent collector frees waits, and that wait is a pause to it
            Pattern pause = Pattern.compile("(?:Pause|Allocation Stall) .* ([0-9.]+)ms$");
            try {
                for (String line : Files.readAllLines(log)) {
                    var m = pause.matcher(line);
                    if (m.find()) {
                        double ms = Double.parseDouble(m.group(1));
                        max = Math.max(max, ms);
                        count++;
                        if (ms > PAUSE_LIMIT_MS) {
                            over++;
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                return;
            }
            report.row("GC pauses and allocation stalls of the proxy during the non-streaming phases: count / longest / over 5 ms",
                    count + " / " + Report.ms(max) + " / " + over, "none over 5 ms", over == 0);
        }

        /** A wrk run against one JVM: its result, the process tree's CPU ticks, peak RSS (kB) and CPU split by thread. */
        private record Measured(Wrk.Result result, long ticks, long rssKb, String byThread) {
        }

        /** {@code warmSeconds} of load, then {@code seconds} measured at 64 connections against the JVM {@code pid} on {@code port}. */
        private Measured measure(Wrk wrk, int port, long pid, int warmSeconds, int seconds, Path out) throws Exception {
            wrk.run(port, 64, warmSeconds);
            long c0 = CpuLoad.ticksOfTree(pid);
            Map<String, Long> threads0 = CpuLoad.ticksByThread(pid);
            RssSampler rss = new RssSampler(pid);
            Wrk.Result r;
            try {
                r = wrk.run(port, 64, seconds, out);
            } finally {
                rss.stop();
            }
            long ticks = CpuLoad.ticksOfTree(pid) - c0;
            return new Measured(r, ticks, rss.maxKb, CpuLoad.share(threads0, CpuLoad.ticksByThread(pid), 6));
        }

        /** Samples a process's VmRSS every 100 ms until stopped; keeps the maximum. */
        private static final class RssSampler {
            private final Thread thread;
            private volatile boolean stop;
            volatile long maxKb;

            RssSampler(long pid) {
                thread = Thread.ofPlatform().daemon().start(() -> {
                    while (!stop) {
                        maxKb = Math.max(maxKb, ProxyProcess.procStatus(pid, "VmRSS"));
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }

            void stop() throws InterruptedException {
                stop = true;
                thread.join();
            }
        }

        // ------------------------------------------------------------ streaming

        private void stream(FakeUpstream fake, List<Target> targets) throws IOException {
            int deltas = 5;
            Duration delay = Duration.ofMillis(streamDelayMs);
            List<String> events = SseFixtures.message(MODEL, deltas);
            int firstToken = indexOf(events, "content_block_delta");
            int firstGap = indexOf(events, "content_block_start") + 1;
            // this proxy process is fresh: warm its code paths up first (JIT), like a proxy that has
            // served for a while, with non-streaming requests and with streams that have no delays
            int jitWarm = quick ? 300 : 3000;
            List<Target> proxyOnly = targets.stream().filter(t -> t.name().equals("proxy")).toList();
            fake.setDefault(Reply.json(200, SseFixtures.jsonMessage(MODEL, "Hello from the fake upstream.")));
            LatencyBench.run(proxyOnly, PATH, smallBody, 2 * jitWarm, 0, 0);
            fake.setDefault(Reply.sse(events));
            StreamBench.run(proxyOnly, PATH, streamBody, events.size(), firstToken, firstGap, jitWarm, 0);
            fake.setDefault(Reply.sse(events).delayBetweenEvents(delay));
            int warm = quick ? 10 : 20;
            int streams = quick ? 60 : 200;
            System.out.println("streaming: " + warm + " warm-up + " + streams + " measured streams per target, "
                    + events.size() + " events " + delay.toMillis() + " ms apart, first token = event " + firstToken);
            Map<String, StreamBench.Result> r = StreamBench.run(targets, PATH, streamBody, events.size(), firstToken,
                    firstGap, warm, streams);
            fake.setDefault(Reply.json(200, SseFixtures.jsonMessage(MODEL, "Hello from the fake upstream.")));
            r.forEach((k, v) -> System.out.println("    " + k + " ttft: " + v.ttft.summary() + "\n    " + k
                    + " gaps: " + v.gaps.summary()));
            StreamBench.Result d = r.get("direct");
            StreamBench.Result p = r.get("proxy");
            StreamBench.Result n = r.get("nginx");
            for (int k = 0; k < events.size(); k++) {
                System.out.printf(Locale.ROOT, "      event %2d median arrival: direct %.3f ms, proxy %.3f ms%s%n", k,
                        d.offsets[k].ms(50), p.offsets[k].ms(50),
                        n == null ? "" : String.format(Locale.ROOT, ", nginx %.3f ms", n.offsets[k].ms(50)));
            }
            report.info("Time to first token, direct p50 / p99", Report.ms(d.ttft.ms(50)) + " / " + Report.ms(d.ttft.ms(99)));
            double addedTtft99 = p.ttft.ms(99) - d.ttft.ms(99);
            report.row("Added time to first token, proxy − direct, p50 / p99",
                    Report.ms(p.ttft.ms(50) - d.ttft.ms(50)) + " / " + Report.ms(addedTtft99),
                    "p99 ≤ 1 ms", addedTtft99 <= ADDED_TTFT_P99_MS && p.badStreams == 0);
            if (n != null) {
                report.info("Added time to first token, nginx − direct, p50 / p99",
                        Report.ms(n.ttft.ms(50) - d.ttft.ms(50)) + " / " + Report.ms(n.ttft.ms(99) - d.ttft.ms(99)));
            }
            report.info("Gap between events, direct p50 / p99 / max (scripted " + delay.toMillis() + " ms)",
                    Report.ms(d.gaps.ms(50)) + " / " + Report.ms(d.gaps.ms(99)) + " / " + Report.ms(d.gaps.maxMs()));
            report.info("Added gap between events, proxy − direct, p50 / p99 / max",
                    Report.ms(p.gaps.ms(50) - d.gaps.ms(50)) + " / " + Report.ms(p.gaps.ms(99) - d.gaps.ms(99))
                            + " / " + Report.ms(p.gaps.maxMs() - d.gaps.maxMs()));
            if (n != null) {
                report.info("Added gap between events, nginx − direct, p50 / p99 / max",
                        Report.ms(n.gaps.ms(50) - d.gaps.ms(50)) + " / " + Report.ms(n.gaps.ms(99) - d.gaps.ms(99))
                                + " / " + Report.ms(n.gaps.maxMs() - d.gaps.maxMs()));
            }
            Samples pd = p.delayVersus(d, firstToken);
            System.out.println("    proxy per-event delay vs direct: " + pd.summary());
            report.info("Added delay of each event from the first token on, proxy − direct, p50 / p99",
                    Report.ms(pd.ms(50)) + " / " + Report.ms(pd.ms(99)));
            if (n != null) {
                Samples nd = n.delayVersus(d, firstToken);
                report.info("Added delay of each event from the first token on, nginx − direct, p50 / p99",
                        Report.ms(nd.ms(50)) + " / " + Report.ms(nd.ms(99)));
            }
            if (p.badStreams > 0) {
                report.note(p.badStreams + " proxied streams did not deliver all " + events.size() + " events");
            }
            long ttftLimit = (long) d.ttft.percentileNanos(50) + STALL_NANOS;
            long gapLimit = delay.toNanos() + STALL_NANOS;
            countStalls("time to first token", r, x -> x.ttft, ttftLimit);
            countStalls("gaps between events", r, x -> x.gaps, gapLimit);
        }

        private static int indexOf(List<String> events, String name) {
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).startsWith("event: " + name + "\n")) {
                    return i;
                }
            }
            throw new IllegalStateException("no " + name + " event in the fixture");
        }

        /** Counts samples above {@code limit} per target; the proxy's are listed in the log. */
        private <T> void countStalls(String where, Map<String, T> results, Function<T, Samples> f,
                                     long limit) {
            Samples p = f.apply(results.get("proxy"));
            int count = p.countAbove(limit);
            stallsProxy += count;
            stallsDirect += f.apply(results.get("direct")).countAbove(limit);
            if (results.get("nginx") != null) {
                stallsNginx = Math.max(0, stallsNginx) + f.apply(results.get("nginx")).countAbove(limit);
            }
            if (count > 0) {
                stallWhere.add(count + " in " + where);
                System.out.println("    stalls through the proxy in " + where + " (ms): " + p.above(limit));
            }
        }

        private void stallRow() {
            report.row("40 ms stalls through the proxy (requests > 40 ms, TTFT or gaps > 40 ms late); "
                            + "same count direct / via nginx",
                    stallsProxy + (stallWhere.isEmpty() ? "" : " (" + String.join(", ", stallWhere) + ")")
                            + "; direct " + stallsDirect + " / nginx " + (stallsNginx < 0 ? "n/a" : stallsNginx),
                    "0", stallsProxy == 0);
        }

        // ------------------------------------------------------------ memory

        private void memory(FakeUpstream fake, ProxyProcess proxy) throws Exception {
            long pid = proxy.javaPid();
            long idle = ProxyProcess.procStatus(pid, "VmRSS");
            HeapHistogram.Result idleLive = null;
            try {
                idleLive = HeapHistogram.take(pid);
            } catch (IOException e) {
                System.out.println("  (no heap histogram: " + e.getMessage() + ")");
            }
            // 9,000 streams hold two descriptors each in the proxy (and in this process), under the
            // machine's open-file limit of 20,000; both counts are per the memory target
            for (int n : quick ? new int[] {200} : new int[] {1000, 9000}) {
                memory(fake, proxy, pid, n, idle, idleLive);
            }
        }

        private void memory(FakeUpstream fake, ProxyProcess proxy, long pid, int n, long idle,
                            HeapHistogram.Result idleLive) throws Exception {
            CountDownLatch gate = new CountDownLatch(1);
            // the proxy holds message_start until content_block_start (to be able to fail over), so the
            // stream is held open after content_block_start: the client has then seen its first events
            List<String> events = SseFixtures.message(MODEL, 3);
            fake.setDefault(Reply.sse(events).pauseBeforeEvent(2, gate));
            System.out.println("memory: " + n + " concurrent streams held open after their first event");
            MemoryBench.Result r;
            try {
                r = MemoryBench.run(proxy.port, pid, PATH, streamBody, n, 64, events.size(), gate);
            } finally {
                gate.countDown();
                fake.setDefault(Reply.json(200, SseFixtures.jsonMessage(MODEL, "Hello from the fake upstream.")));
            }
            double mb = r.rssKb() / 1024.0;
            boolean small = n <= 1000;
            report.row("Resident memory (VmRSS) of the proxy with " + n + " open streams",
                    Report.num(mb, "%.0f MB") + " (" + r.open() + " open; idle before: "
                            + Report.num(idle / 1024.0, "%.0f MB") + "; threads " + r.threads() + ")",
                    small ? "< 400 MB" : "< 1 GB",
                    r.rssKb() > 0 && r.open() == n && mb < (small ? RSS_LIMIT_MB : 1024));
            if (r.failed() > 0 || r.completed() != n) {
                report.note("memory phase: " + r.failed() + " of " + n + " streams failed, " + r.completed()
                        + " completed after the release; first error: " + r.firstError());
            }
            if (idle > 0 && r.rssKb() > 0 && r.open() > 0) {
                double perStream = (r.rssKb() - idle) / (double) r.open();
                report.row("Memory per open stream ((RSS with " + n + " open − idle RSS) ÷ streams open)",
                        Report.num(perStream, "%.0f KiB"), "≤ 64 KiB", perStream <= 64);
            }
            if (idleLive != null && r.live() != null && r.open() > 0) {
                // what the streams keep alive, without the garbage a lazy collector leaves in RSS
                double perStream = (r.live().liveBytes() - idleLive.liveBytes()) / 1024.0 / r.open();
                report.row("Live heap per open stream (full collection, class histogram: (live with " + n
                        + " open − live idle) ÷ streams open)", Report.num(perStream, "%.1f KiB"), "", null);
                List<String> grew = r.live().growth(idleLive, r.open(), 30);
                Files.write(env.out.resolve("memory-histogram-" + n + ".txt"), grew);
                System.out.println("  live heap per open stream, by class (target/bench/memory-histogram-" + n + ".txt):");
                grew.stream().limit(12).forEach(l -> System.out.println("    " + l));
            }
            System.out.printf(Locale.ROOT, "  (%d streams opened in %.1f s; VmHWM %.0f MB; %d completed)%n",
                    r.open(), r.openSeconds(), r.hwmKb() / 1024.0, r.completed());
        }

        // ------------------------------------------------------------ throughput

        /** Switches the proxy's request log on or off through its admin API (admin token from the data dir). */
        private static boolean setRequestLog(int port, Path data, boolean on) {
            try (var http = HttpClient.newHttpClient()) {
                String token = Files.readString(data.resolve("admin-token")).strip();
                var r = http.send(HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + port + "/_/api/settings"))
                        .header("authorization", "Bearer " + token).header("content-type", "application/json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"requestLog\":" + on + "}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    System.out.println("    could not switch the request log: " + r.statusCode() + " " + r.body());
                }
                return r.statusCode() == 200;
            } catch (Exception e) {
                System.out.println("    could not switch the request log: " + e);
                return false;
            }
        }

        private void throughput(LeanUpstream lean, ProxyProcess proxy, Nginx nginx, int nginxPort, Path data)
                throws Exception {
            String na = "n/a (wrk not installed)";
            if (env.wrk == null) {
                report.info("Throughput at 64 connections, direct / proxy / nginx", na);
                report.row("Throughput, proxy ÷ nginx", na, "≥ 0.7×", null);
                return;
            }
            int seconds = quick ? 3 : 10;
            int warm = quick ? 2 : 3;
            Wrk wrk = new Wrk(env.wrk, env.tmp, PATH, new String(smallBody, StandardCharsets.UTF_8));
            System.out.println("throughput: wrk -t1 -c64 -d" + seconds + "s per target (after a " + warm
                    + " s warm-up), POST " + smallBody.length + " B");
            Wrk.Result direct = wrk.run(lean.port(), 64, seconds, env.out.resolve("wrk-direct.txt"));
            warmJit("throughput", proxy.javaPid(), () -> wrk.run(proxy.port, 64, warm));
            long c0 = lean.connections();
            long r0 = lean.requests();
            long cpu0 = CpuLoad.ticksOfTree(proxy.javaPid());
            Map<String, Long> threads0 = CpuLoad.ticksByThread(proxy.javaPid());
            Wrk.Result proxyR = wrk.run(proxy.port, 64, seconds, env.out.resolve("wrk-proxy.txt"));
            long proxyCpu = CpuLoad.ticksOfTree(proxy.javaPid()) - cpu0;
            String byThread = CpuLoad.share(threads0, CpuLoad.ticksByThread(proxy.javaPid()), 5);
            System.out.println("    proxy CPU by thread: " + byThread);
            System.out.println("    through the proxy: " + (lean.requests() - r0) + " upstream requests on "
                    + (lean.connections() - c0) + " new upstream connections");
            String proxyCpuText = cpuText(proxyCpu, seconds, proxyR);
            // the same proxy with the request log turned off (setting requestLog, live through the admin API)
            // (then on again, so that both sides of the comparison ran equally warm)
            Wrk.Result noLog = null;
            Wrk.Result logAgain = null;
            if (setRequestLog(proxy.port, data, false)) {
                wrk.run(proxy.port, 64, warm);
                noLog = wrk.run(proxy.port, 64, seconds, env.out.resolve("wrk-proxy-nolog.txt"));
                if (setRequestLog(proxy.port, data, true)) {
                    logAgain = wrk.run(proxy.port, 64, seconds, env.out.resolve("wrk-proxy-log-again.txt"));
                }
            }
            Wrk.Result nginxR = null;
            String nginxCpuText = "n/a";
            if (nginxPort > 0) {
                wrk.run(nginxPort, 64, 1);
                long n0 = nginx == null ? -1 : CpuLoad.ticksOfTree(nginx.pid());
                nginxR = wrk.run(nginxPort, 64, seconds, env.out.resolve("wrk-nginx.txt"));
                long nTicks = nginx == null ? -1 : CpuLoad.ticksOfTree(nginx.pid()) - n0;
                nginxCpuText = cpuText(nTicks, seconds, nginxR);
                if (n0 >= 0 && nTicks >= 0 && nTicks / 100.0 / seconds < 0.8) {
                    report.note("nginx used only " + Report.num(nTicks / 100.0 / seconds * 100, "%.0f")
                            + "% of its core: its rate was capped by the client core (wrk and the upstream share "
                            + "it), so proxy ÷ nginx flatters the proxy; CPU per request compares them fairly");
                }
            }
            report.info("CPU used during the throughput run: proxy / nginx",
                    proxyCpuText + " / " + nginxCpuText);
            report.info("Proxy CPU by JVM thread during the throughput run", byThread);
            report.info("Throughput at 64 connections, direct / proxy / nginx (req/s)",
                    Report.num(direct.requestsPerSecond(), "%.0f") + " / "
                            + Report.num(proxyR.requestsPerSecond(), "%.0f") + " / "
                            + (nginxR == null ? "n/a" : Report.num(nginxR.requestsPerSecond(), "%.0f")));
            if (noLog == null || logAgain == null) {
                report.row("Proxy throughput, request log on ÷ off", "n/a (could not switch the log off)",
                        "cost ≤ 10%", null);
            } else {
                double cost = 1 - logAgain.requestsPerSecond() / noLog.requestsPerSecond();
                report.row("Proxy throughput, request log on ÷ off (req/s)", Report.num(logAgain.requestsPerSecond(), "%.0f")
                        + " / " + Report.num(noLog.requestsPerSecond(), "%.0f") + ": logging costs "
                        + Report.num(cost * 100, "%.0f") + "%", "cost ≤ 10%", cost <= 0.10);
            }
            if (nginxR == null) {
                report.row("Throughput, proxy ÷ nginx", "n/a (nginx not installed)", "≥ 0.7×", null);
            } else {
                double ratio = proxyR.requestsPerSecond() / nginxR.requestsPerSecond();
                report.row("Throughput, proxy ÷ nginx", Report.num(ratio, "%.2f×"), "≥ 0.7×",
                        ratio >= THROUGHPUT_RATIO && proxyR.non2xx() == 0 && proxyR.socketErrors() == 0);
                if (nginxR.requestsPerSecond() > 0.9 * direct.requestsPerSecond()) {
                    report.note("nginx reached " + Report.num(nginxR.requestsPerSecond() / direct.requestsPerSecond()
                            * 100, "%.0f") + "% of the direct rate: the client core (wrk + upstream) may be the "
                            + "limit for nginx, which would flatter the proxy's ratio");
                }
            }
            for (Wrk.Result w : new Wrk.Result[] {direct, proxyR, nginxR}) {
                if (w != null && (w.non2xx() > 0 || w.socketErrors() > 0)) {
                    report.note("wrk saw " + w.non2xx() + " non-2xx responses and " + w.socketErrors()
                            + " socket errors in one run");
                }
            }
            if (direct.requestsPerSecond() < proxyR.requestsPerSecond()
                    || (nginxR != null && direct.requestsPerSecond() < nginxR.requestsPerSecond())) {
                report.note("the upstream direct was slower than through a proxy: the client core is the bottleneck");
            }
        }

        /** "97% of a core, 310 µs per request" from CPU ticks (1/100 s) over a wrk run. */
        private static String cpuText(long ticks, int seconds, Wrk.Result r) {
            if (ticks < 0 || r == null || r.requests() <= 0) {
                return "n/a";
            }
            double cpuSeconds = ticks / 100.0;
            return Report.num(cpuSeconds / seconds * 100, "%.0f%% of a core") + ", "
                    + Report.num(cpuSeconds / r.requests() * 1e6, "%.0f µs per request");
        }

        // ------------------------------------------------------------ start-up and size

        private void startup() throws Exception {
            int runs = quick ? 2 : 5;
            int more = quick ? 2 : 3;
            System.out.println("start-up: " + runs + " starts pinned to one core and " + more
                    + " on all cores, fresh data directory each; " + more + " pinned with an existing data directory");
            Samples pinned = StartupBench.run(env, runs, true, "pinned");
            Samples free = StartupBench.run(env, more, false, "unpinned");
            Samples existing = StartupBench.run(env, more, true, "existing", false);
            double med = pinned.ms(50) / 1000.0;
            String where = env.proxyCpuPrefix.isEmpty() ? "" : " (one core)";
            report.row("Image start-up to first 200 on HEAD /" + where + ", median (min)",
                    Report.num(med, "%.3f s") + " (" + Report.num(pinned.ms(0) / 1000.0, "%.3f s") + ")",
                    "≤ 0.5 s", med <= STARTUP_S);
            if (!env.proxyCpuPrefix.isEmpty()) {
                report.info("Image start-up to first 200, all cores, median (min)",
                        Report.num(free.ms(50) / 1000.0, "%.3f s") + " ("
                                + Report.num(free.ms(0) / 1000.0, "%.3f s") + ")");
            }
            report.info("Image start-up to first 200" + where + " with an existing data directory, median (min)",
                    Report.num(existing.ms(50) / 1000.0, "%.3f s") + " ("
                            + Report.num(existing.ms(0) / 1000.0, "%.3f s") + ")");
        }

        private void size() throws IOException, InterruptedException {
            long bytes = -1;
            try {
                Process p = Children.start(new ProcessBuilder("du", "-sb", env.imageDir.toString()));
                String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                p.waitFor(30, TimeUnit.SECONDS);
                bytes = Long.parseLong(o.split("\\s+")[0]);
            } catch (IOException | NumberFormatException e) {
                try (Stream<Path> s = Files.walk(env.imageDir)) {
                    bytes = s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
                }
            }
            double mb = bytes / 1e6;
            report.row("Image size (du -sb " + env.imageDir.getFileName() + ")",
                    Report.num(mb, "%.1f MB") + " (" + Report.num(bytes / 1048576.0, "%.1f MiB") + ")",
                    "≤ 60 MB", mb <= IMAGE_LIMIT_MB);
        }
    }
}
