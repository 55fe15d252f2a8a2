package dev.codeproxy.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Phase {@code dashboard} (issue 11, item 7: the dashboard never slows the proxy): proxied latency
 * at 64 connections, first alone, then while a dashboard reloads its statistics back to back over
 * a log of 1,000,000 rows.
 *
 * <p>The rows are written straight into a fresh data directory's database with the
 * {@code sqlite3} command before the proxy starts: one row every 30 s over the last 347 days, with
 * the hourly and daily aggregates summed from them, as the proxy would have written them. The
 * log's retention is raised so that the proxy keeps them. The "dashboard" is a thread of the
 * benchmark that asks, one after the other and without pause, for what the dashboard page asks
 * when it reloads (summaries, series, models, endpoints, heatmap) and the first page of the log.
 */
final class DashboardBench {
    static final int ROWS = 1_000_000;
    /** What the dashboard page fetches when it reloads (web/src/components/dashboard/dashboard.svelte.js) and the log's first page. */
    static final List<String> RELOAD = List.of(
            "/_/api/stats/summary?range=today", "/_/api/stats/summary?range=all",
            "/_/api/stats/series?range=7d&by=hour", "/_/api/stats/series?range=30d&by=day",
            "/_/api/stats/models?range=30d", "/_/api/stats/endpoints?range=30d",
            "/_/api/stats/heatmap", "/_/api/logs?limit=50");
    private static final Pattern P99 = Pattern.compile("\\n\\s*99%\\s+([0-9.]+)(us|ms|s)\\b");

    private DashboardBench() {
    }

    /** The import file's settings for this phase: a retention that keeps every seeded row. */
    static String settingsJson() {
        return "{\"logRetention\":" + (ROWS * 2) + "}";
    }

    /** Writes {@link #ROWS} rows and their aggregates into {@code db} with the sqlite3 command. */
    static void seed(Path sqlite3, Path db, Path tmp) throws IOException, InterruptedException {
        long now = System.currentTimeMillis();
        String sql = """
                PRAGMA journal_mode=WAL;
                BEGIN;
                WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < %1$d)
                INSERT INTO requests(id, started_at, method, path, model, sent_model, stream, status, endpoint,
                    attempts, failed_over, outcome, headers_ms, first_token_ms, total_ms, input_tokens,
                    output_tokens, cache_read_tokens, cost_micros, priced)
                SELECT x, %2$d - (%1$d - x) * 30000, 'POST', '/v1/messages',
                    CASE x %% 3 WHEN 0 THEN 'claude-sonnet-4-5' WHEN 1 THEN 'claude-haiku-4-5' ELSE 'claude-opus-4-1' END,
                    CASE x %% 3 WHEN 0 THEN 'claude-sonnet-4-5' WHEN 1 THEN 'claude-haiku-4-5' ELSE 'claude-opus-4-1' END,
                    x %% 2, CASE WHEN x %% 50 = 0 THEN 529 ELSE 200 END, CASE WHEN x %% 7 = 0 THEN 'backup' ELSE 'fake' END,
                    1, 0, CASE WHEN x %% 50 = 0 THEN 'upstream_error' ELSE 'success' END, 300,
                    CASE WHEN x %% 2 = 1 THEN 400 ELSE -1 END, 1000 + x %% 4000, 20000 + x %% 30000, 200 + x %% 800,
                    15000, 1000 + x %% 90000, 1
                FROM c;
                INSERT INTO stats_hourly(hour_start, endpoint, model, sent_model, requests, success, upstream_error,
                    stream, attempts, attempt_failures, input_tokens, output_tokens, cache_read_tokens, cost_micros,
                    total_ms_sum, total_ms_max)
                SELECT (started_at / 3600000) * 3600000, endpoint, model, sent_model, count(*), sum(status = 200),
                    sum(status <> 200), sum(stream), count(*), sum(status <> 200), sum(input_tokens), sum(output_tokens),
                    sum(cache_read_tokens), sum(cost_micros), sum(total_ms), max(total_ms)
                FROM requests GROUP BY 1, 2, 3, 4;
                INSERT INTO stats_daily(day, requests, success, upstream_error, input_tokens, output_tokens,
                    cache_read_tokens, cost_micros)
                SELECT date(started_at / 1000, 'unixepoch', 'localtime'), count(*), sum(status = 200), sum(status <> 200),
                    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cost_micros)
                FROM requests GROUP BY 1;
                COMMIT;
                """.formatted(ROWS, now);
        Path script = tmp.resolve("seed-dashboard.sql");
        Files.writeString(script, sql, StandardCharsets.UTF_8);
        Process p = Children.start(new ProcessBuilder(sqlite3.toString(), db.toString())
                .redirectInput(script.toFile()).redirectErrorStream(true));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("sqlite3 could not seed the log: " + out.strip());
        }
    }

    /** The dashboard: reloads back to back until stopped; counts reloads and their total time. */
    static final class Reloader implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong reloads = new AtomicLong();
        private final AtomicLong nanos = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final Thread thread;
        private volatile String firstFailure;

        Reloader(int port, String adminToken) {
            thread = Thread.ofPlatform().daemon().name("bench-dashboard").start(() -> {
                try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        for (String path : RELOAD) {
                            try {
                                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + path))
                                        .timeout(Duration.ofSeconds(30))
                                        .header("authorization", "Bearer " + adminToken).build(),
                                        HttpResponse.BodyHandlers.ofByteArray());
                                if (r.statusCode() != 200) {
                                    failed(path + ": " + r.statusCode());
                                }
                            } catch (IOException e) {
                                failed(path + ": " + e);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                        nanos.addAndGet(System.nanoTime() - t0);
                        reloads.incrementAndGet();
                    }
                }
            });
        }

        private void failed(String what) {
            if (failures.getAndIncrement() == 0) {
                firstFailure = what;
            }
        }

        long reloads() {
            return reloads.get();
        }

        double msPerReload() {
            long n = reloads.get();
            return n == 0 ? Double.NaN : nanos.get() / 1e6 / n;
        }

        long failures() {
            return failures.get();
        }

        String firstFailure() {
            return firstFailure;
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(60_000);
        }
    }

    /** wrk's 99th percentile latency (its --latency distribution) in ms, or NaN. */
    static double p99Ms(String wrkOutput) {
        Matcher m = P99.matcher(wrkOutput);
        if (!m.find()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    static String ms(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f ms", v);
    }

    /** The sqlite3 command on the PATH, or null. */
    static Path sqlite3() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "sqlite3");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
