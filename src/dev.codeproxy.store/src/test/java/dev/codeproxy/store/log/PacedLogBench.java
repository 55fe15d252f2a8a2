package dev.codeproxy.store.log;

import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.session.SessionKeys;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.core.wire.BodySpans;
import dev.codeproxy.core.wire.RequestBody;
import dev.codeproxy.store.Database;
import dev.codeproxy.testkit.ClaudeCodeBodies;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The writer at a busy proxy's pace: records of the shape the benchmark's 50 KB Claude Code
 * request produces (the proxy's scan spans included, its few wrk headers, a 1.1 KB JSON answer)
 * offered at a steady rate, as requests finish, instead of all at once. The log threads' CPU
 * per row is what the request log costs a proxy under load; offered in one burst, the same
 * rows cost several times less (long batches on a warm core). Not a test: run its main
 * ({@code rate seconds [bodyBytes]}), or {@link RequestLogBench}, which runs it last.
 */
public final class PacedLogBench {
    /** The benchmark's upstream key, which its proxy redacts. */
    private static final String UPSTREAM_KEY = "sk-bench-key-0000000000";

    private PacedLogBench() {
    }

    public static void main(String[] args) throws Exception {
        run(Integer.parseInt(args[0]), Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 50_000);
    }

    /** Two rounds (the first warms the JIT) of {@code rate} records a second for {@code seconds}. */
    static void run(int rate, int seconds, int bodyBytes) throws IOException {
        List<RequestRecord> recs = records(rate * seconds, bodyBytes);
        Path dir = Files.createTempDirectory("paced-log-bench");
        try (Database db = Database.open(dir);
             RequestLog log = new RequestLog(db, () -> Settings.DEFAULTS, () -> List.of(UPSTREAM_KEY),
                     Clock.systemUTC(), RequestLog.DEFAULT_QUEUE_CAPACITY)) {
            for (int round = 1; round <= 2; round++) {
                log.flush();
                Map<String, Long> cpu0 = RequestLogBench.logThreadsCpuByThread();
                long written0 = log.written();
                long t0 = System.nanoTime();
                long period = 1_000_000_000L / rate;
                for (int i = 0; i < recs.size(); i++) {
                    long due = t0 + i * period;
                    for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
                        LockSupport.parkNanos(due - now);
                    }
                    RequestRecord r = recs.get(i);
                    log.offer(round == 1 ? r : withId(r, r.id() + recs.size()));
                }
                log.flush();
                long rows = log.written() - written0;
                Map<String, Long> cpu1 = RequestLogBench.logThreadsCpuByThread();
                long total = 0;
                StringBuilder split = new StringBuilder();
                for (Map.Entry<String, Long> e : cpu1.entrySet()) {
                    long used = e.getValue() - cpu0.getOrDefault(e.getKey(), 0L);
                    total += used;
                    split.append(String.format(", %s %.1f", e.getKey(), used / 1e3 / rows));
                }
                System.out.printf("  %s: %,d rows at %,d/s with %,d-byte bodies: %.1f us of log-thread CPU per row (%s)%n",
                        round == 1 ? "paced, warm-up" : "paced", rows, rate, bodyBytes, total / 1e3 / rows,
                        split.substring(2));
            }
        } finally {
            RequestLogBench.deleteTree(dir);
        }
    }

    /** What the benchmark's proxy logs for its Claude Code-shaped request (one attempt, a 200). */
    private static List<RequestRecord> records(int n, int bodyBytes) {
        byte[] req = ClaudeCodeBodies.request("claude-sonnet-4-5-20250929", false, bodyBytes).getBytes(StandardCharsets.UTF_8);
        RequestBody scanned = RequestBody.scan(req);
        BodySpans spans = scanned.spans();
        // the session and project the proxy finds for this body (its Trace does the same)
        String session = SessionKeys.sessionId(null, scanned.userId());
        String project = SessionKeys.project(req, spans);
        byte[] resp = ("{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"" + "Done. ".repeat(150) + "\"}],\"stop_reason\":\"end_turn\","
                + "\"usage\":{\"input_tokens\":12000,\"output_tokens\":300}}").getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> received = new LinkedHashMap<>();
        received.put("host", List.of("127.0.0.1:8080"));
        received.put("content-type", List.of("application/json"));
        received.put("anthropic-version", List.of("2023-06-01"));
        received.put("x-api-key", List.of("[redacted]"));
        received.put("content-length", List.of(Integer.toString(req.length)));
        Map<String, List<String>> answered = new LinkedHashMap<>();
        answered.put("server", List.of("nginx/1.22.1"));
        answered.put("date", List.of("Sat, 05 Dec 2026 06:00:00 GMT"));
        answered.put("content-type", List.of("application/json"));
        answered.put("content-length", List.of(Integer.toString(resp.length)));
        List<RequestRecord> base = new Mix().records(n, 1, System.currentTimeMillis(), Duration.ofMinutes(1).toMillis(), 5);
        List<RequestRecord> out = new ArrayList<>(n);
        for (RequestRecord r : base) {
            out.add(new RequestRecord(r.id(), r.startedAtEpochMs(), "POST", "/v1/messages", "beta=true", r.model(),
                    r.sentModel(), false, 200, r.endpoint(), 1, false, r.headersMs(), -1, r.totalMs(), r.usage(), null,
                    List.of(new AttemptRecord(1, r.endpoint(), r.sentModel(), "ok", 200, 0, r.headersMs(), r.totalMs())), received, received, answered, req, false, resp, false, null, session, project,
                    spans));
        }
        return out;
    }

    private static RequestRecord withId(RequestRecord r, long id) {
        return new RequestRecord(id, r.startedAtEpochMs(), r.method(), r.path(), r.query(), r.model(), r.sentModel(),
                r.stream(), r.status(), r.endpoint(), r.attempts(), r.failedOver(), r.headersMs(), r.firstTokenMs(),
                r.totalMs(), r.usage(), r.error(), r.attemptList(), r.requestHeaders(), r.sentHeaders(),
                r.responseHeaders(), r.requestBody(), r.requestBodyTruncated(), r.responseBody(),
                r.responseBodyTruncated(), r.route(), r.sessionId(), r.project(), r.requestSpans());
    }
}
