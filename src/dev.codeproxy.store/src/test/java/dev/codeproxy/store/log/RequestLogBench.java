package dev.codeproxy.store.log;

import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.core.wire.RequestBody;
import dev.codeproxy.store.Database;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writer throughput: 100,000 mixed records (about 2 KB request and 1 KB response bodies, 15
 * headers, one or two attempts) offered as fast as possible, timed until all are committed.
 * Prints rows/s for the default settings (retention 10,000 rows, bodies for 1,000, capture all)
 * and for a log that keeps everything. Not a test: run its main.
 */
public final class RequestLogBench {
    private RequestLogBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<RequestRecord> recs = records(n);
        System.out.printf("request log writer, %,d records%n", n);
        run("warm-up (defaults)", recs.subList(0, Math.min(n, 20_000)), Map.of());
        run("defaults: retention 10,000 rows / 1,000 bodies, capture all", recs, Map.of());
        run("keep everything: retention 10,000,000 rows / 1,000,000 bodies", recs,
                Map.of("logRetention", "10000000", "bodyRetention", "1000000"));
        run("capture none, retention 10,000,000 rows", recs, Map.of("logRetention", "10000000", "captureMode", "none"));
        // how the log grows for one long Claude Code conversation (scripts/bench's growth row)
        ConversationGrowthBench.run(200);
        // the same writer at a busy proxy's pace (its 50 KB c64 rate): scripts/bench's paced row
        PacedLogBench.run(3_500, 8, 50_000);
        // SQLite's own work per logged request, the least any writer of this schema pays
        SqliteFloorBench.run(35_000);
    }

    static double run(String name, List<RequestRecord> recs, Map<String, String> settings) throws IOException {
        Path dir = Files.createTempDirectory("request-log-bench");
        try (Database db = Database.open(dir)) {
            Settings s = Settings.DEFAULTS.with(settings);
            List<String> secrets = List.of("sk-ant-api03-bench-key-0123456789abcdef", "cp_bench_client_token_0123456789");
            try (RequestLog log = new RequestLog(db, () -> s, () -> secrets, Clock.systemUTC(), Math.max(recs.size(), 1))) {
                log.flush();
                long cpu0 = logThreadsCpu();
                long t0 = System.nanoTime();
                for (RequestRecord r : recs) {
                    log.offer(r);
                }
                long offered = System.nanoTime();
                log.flush();
                long t1 = System.nanoTime();
                double cpu = (logThreadsCpu() - cpu0) / 1e9;
                double secs = (t1 - t0) / 1e9;
                double rate = log.written() / secs;
                System.out.printf("  %-62s %,9.0f rows/s  (%,d rows in %.2f s; log threads used %.2f s CPU = %,.0f rows per "
                                + "CPU-second; offer() %.2f us each; dropped %d; bodies shed %d)%n", name, rate, log.written(), secs, cpu,
                        log.written() / cpu, (offered - t0) / 1e3 / recs.size(), log.dropped(), log.bodiesShed());
                return rate;
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** A benchmark's temporary database directory, with everything in it. */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** CPU time of the writer and preparer threads so far (ns); a shared machine makes wall time noisy. */
    static long logThreadsCpu() {
        return logThreadsCpuByThread().values().stream().mapToLong(Long::longValue).sum();
    }

    /** The same, per request-log thread (ns by thread name). */
    static Map<String, Long> logThreadsCpuByThread() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> m = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("request-log-")) {
                m.merge(t.getName(), Math.max(0, mx.getThreadCpuTime(t.threadId())), Long::sum);
            }
        }
        return m;
    }

    static List<RequestRecord> records(int n) {
        Mix mix = new Mix();
        // a burst: requests that started within the last ten minutes
        List<RequestRecord> base = mix.records(n, 1, System.currentTimeMillis(), Duration.ofMinutes(10).toMillis(), 99);
        String requestBody = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":32000,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + "Refactor the parser and keep the tests green. "
                .repeat(40) + "\"}]}";
        String responseBody = ("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Sure, here is the change.\"}}\n\n").repeat(7);
        List<RequestRecord> out = new ArrayList<>(n);
        for (RequestRecord r : base) {
            Map<String, List<String>> h = new LinkedHashMap<>();
            h.put("anthropic-version", List.of("2023-06-01"));
            h.put("anthropic-beta", List.of("claude-code-20250219,context-1m-2025-08-07,interleaved-thinking-2025-05-14"));
            h.put("authorization", List.of("[redacted]"));
            h.put("content-type", List.of("application/json"));
            h.put("user-agent", List.of("claude-cli/2.1.332 (external, sdk-cli)"));
            h.put("x-app", List.of("cli"));
            h.put("x-claude-code-session-id", List.of("6f1c2a9e-1f0b-4c61-9a47-2f7a3d5c8e10"));
            h.put("x-stainless-retry-count", List.of("0"));
            h.put("x-stainless-timeout", List.of("600"));
            h.put("x-stainless-lang", List.of("js"));
            h.put("x-stainless-package-version", List.of("0.60.0"));
            h.put("x-stainless-os", List.of("Linux"));
            h.put("x-stainless-arch", List.of("x64"));
            h.put("x-stainless-runtime", List.of("node"));
            h.put("accept-encoding", List.of("gzip, deflate, br, zstd"));
            byte[] req = requestBody.getBytes(StandardCharsets.UTF_8);
            out.add(new RequestRecord(r.id(), r.startedAtEpochMs(), r.method(), r.path(), r.query(), r.model(),
                    r.sentModel(), r.stream(), r.status(), r.endpoint(), r.attempts(), r.failedOver(), r.headersMs(),
                    r.firstTokenMs(), r.totalMs(), r.usage(), r.error(), r.attemptList(), h, h,
                    Map.of("request-id", List.of("req_011CV" + r.id()), "content-type", List.of("text/event-stream")),
                    req, false, responseBody.getBytes(StandardCharsets.UTF_8), false, null, null, null,
                    RequestBody.scan(req).spans())); // the proxy's scan of the body comes with the record
        }
        return out;
    }
}
