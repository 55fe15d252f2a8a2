package dev.codeproxy.store.log;

import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.store.Database;
import dev.codeproxy.store.DatabaseUrl;
import dev.codeproxy.store.stats.Histogram;
import dev.codeproxy.testkit.PostgresServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two request logs (two instances' writers, each with its own database pool) writing into one
 * PostgreSQL database at once, with request ids that collide on purpose (instances number their
 * requests independently): every request is stored once, and every aggregate equals the sums of
 * the rows, key by key, histograms included.
 */
class SharedPostgresLogTest {
    static final int PER_INSTANCE = 6_000;
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.shared();
    }

    @Test
    void twoWritersAtOnceStoreEveryRequestAndAggregatesEqualTheRows() throws Exception {
        DatabaseUrl url = DatabaseUrl.parse(pg.newDatabase());
        Mix mixA = new Mix();
        Mix mixB = new Mix();
        long now = TestStore.NOW.toEpochMilli();
        // B's ids overlap A's for half their range: the writers must keep both
        List<RequestRecord> a = mixA.records(PER_INSTANCE, 5_000_000, now, Duration.ofDays(3).toMillis(), 11);
        List<RequestRecord> b = mixB.records(PER_INSTANCE, 5_000_000 + PER_INSTANCE / 2, now,
                Duration.ofDays(3).toMillis(), 12);
        try (TestStore sa = new TestStore(Database.open(dir.resolve("a"), url), ZoneOffset.UTC, 100_000);
             TestStore sb = new TestStore(Database.open(dir.resolve("b"), url), ZoneOffset.UTC, 100_000)) {
            for (TestStore s : List.of(sa, sb)) {
                s.set(Map.of("logRetention", "10000000", "bodyRetention", "1000000"));
            }
            CountDownLatch go = new CountDownLatch(1);
            Thread ta = Thread.ofPlatform().start(() -> feed(go, sa, a));
            Thread tb = Thread.ofPlatform().start(() -> feed(go, sb, b));
            go.countDown();
            ta.join();
            tb.join();
            sa.log.flush();
            sb.log.flush();
            assertEquals(PER_INSTANCE, sa.log.written());
            assertEquals(PER_INSTANCE, sb.log.written());

            assertEquals(2L * PER_INSTANCE, one(sa, "SELECT count(*) FROM requests"), "every request stored once");
            assertEquals(2L * PER_INSTANCE, one(sa, "SELECT count(DISTINCT id) FROM requests"));
            long tokens = mixA.input + mixB.input;
            assertEquals(tokens, one(sa, "SELECT sum(input_tokens) FROM requests"));
            assertEquals(tokens, one(sa, "SELECT sum(input_tokens) FROM stats_hourly"));
            assertEquals(mixA.cost + mixB.cost, one(sa, "SELECT sum(cost_micros) FROM stats_daily"));

            String outcomeSums = """
                    sum(CASE WHEN outcome = 'success' THEN 1 ELSE 0 END),
                    sum(CASE WHEN outcome = 'failed_over' THEN 1 ELSE 0 END),
                    sum(CASE WHEN outcome = 'client_error' THEN 1 ELSE 0 END),
                    sum(CASE WHEN outcome = 'upstream_error' THEN 1 ELSE 0 END)""";
            assertEquals(rows(sa, "SELECT (started_at / 3600000) * 3600000, endpoint, model, sent_model, count(*), "
                            + outcomeSums + ", sum(stream), sum(input_tokens), sum(output_tokens), "
                            + "sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens), "
                            + "sum(cost_micros), sum(1 - priced), "
                            + "coalesce(sum(CASE WHEN outcome IN ('success', 'failed_over') THEN total_ms END), 0), "
                            + "coalesce(max(CASE WHEN outcome IN ('success', 'failed_over') THEN total_ms END), 0) "
                            + "FROM requests GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"),
                    rows(sa, "SELECT hour_start, endpoint, model, sent_model, requests, success, failed_over, "
                            + "client_error, upstream_error, stream, input_tokens, output_tokens, cache_write_5m_tokens, "
                            + "cache_write_1h_tokens, cache_read_tokens, cost_micros, unpriced, total_ms_sum, total_ms_max "
                            + "FROM stats_hourly WHERE requests > 0 ORDER BY 1, 2, 3, 4"));
            assertEquals(rows(sa, "SELECT to_char(to_timestamp(started_at / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), "
                            + "count(*), " + outcomeSums + ", sum(input_tokens), sum(output_tokens), sum(cost_micros) "
                            + "FROM requests GROUP BY 1 ORDER BY 1"),
                    rows(sa, "SELECT day, requests, success, failed_over, client_error, upstream_error, input_tokens, "
                            + "output_tokens, cost_micros FROM stats_daily ORDER BY day"));
            assertEquals(rows(sa, "SELECT (r.started_at / 3600000) * 3600000, a.endpoint, count(*) "
                            + "FROM request_attempts a JOIN requests r ON r.id = a.request_id GROUP BY 1, 2 ORDER BY 1, 2"),
                    rows(sa, "SELECT hour_start, endpoint, sum(attempts) FROM stats_hourly GROUP BY 1, 2 "
                            + "HAVING sum(attempts) > 0 ORDER BY 1, 2"));
            assertEquals(rows(sa, "SELECT (started_at / 3600000) * 3600000, CASE WHEN sent_model = '' THEN model "
                            + "ELSE sent_model END, count(*), sum(input_tokens), sum(cost_micros) FROM requests "
                            + "GROUP BY 1, 2 ORDER BY 1, 2"),
                    rows(sa, "SELECT hour_start, model, requests, input_tokens, cost_micros FROM usage_hourly "
                            + "ORDER BY 1, 2"));

            // histograms: each instance merged into what the other had stored
            Map<String, Histogram> fromRows = new HashMap<>();
            for (List<Object> r : rows(sa, "SELECT ((started_at / 3600000) * 3600000) || '|' || endpoint || '|' || "
                    + "model || '|' || sent_model, total_ms FROM requests WHERE outcome IN ('success', 'failed_over')")) {
                fromRows.computeIfAbsent((String) r.get(0), k -> new Histogram()).add((Long) r.get(1));
            }
            Map<String, String> stored = new HashMap<>();
            for (List<Object> r : rows(sa, "SELECT hour_start || '|' || endpoint || '|' || model || '|' || sent_model, "
                    + "total_hist FROM stats_hourly WHERE total_hist != ''")) {
                stored.put((String) r.get(0), (String) r.get(1));
            }
            assertEquals(fromRows.keySet(), stored.keySet());
            fromRows.forEach((k, h) -> assertEquals(h.encode(), stored.get(k), k));
            assertTrue(mixA.failedOver > 0 && mixB.unpriced > 0, "the mix covers every case");
        }
    }

    private static void feed(CountDownLatch go, TestStore s, List<RequestRecord> recs) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (RequestRecord r : recs) {
            s.log.onEvent(new ProxyEvent.RequestCompleted(r));
        }
    }

    static long one(TestStore s, String sql) {
        return (Long) rows(s, sql).getFirst().getFirst();
    }

    /** Rows with every number as a Long (PostgreSQL's sum() is numeric), text as String. */
    static List<List<Object>> rows(TestStore s, String sql) {
        try (Connection c = s.db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<List<Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    Object o = rs.getObject(i);
                    row.add(o instanceof BigDecimal d ? Long.valueOf(d.longValueExact())
                            : o instanceof Integer x ? Long.valueOf(x) : o);
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }
}
