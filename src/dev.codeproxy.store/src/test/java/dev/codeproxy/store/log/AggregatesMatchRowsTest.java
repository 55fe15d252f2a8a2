package dev.codeproxy.store.log;

import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.store.stats.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 20,000 mixed requests through the log: every one stored, and the aggregates are exactly the sums of the rows. */
class AggregatesMatchRowsTest {
    static final int N = 20_000;

    @TempDir
    Path dir;

    @Test
    void twentyThousandRecordsAllStoredAndAggregatesEqualTheRows() {
        try (TestStore s = new TestStore(dir)) {
            s.set(Map.of("logRetention", "10000000", "bodyRetention", "1000"));
            Mix mix = new Mix();
            List<RequestRecord> recs = mix.records(N, 1_000_000, TestStore.NOW.toEpochMilli(),
                    Duration.ofDays(10).toMillis(), 7);
            for (RequestRecord r : recs) {
                s.log.onEvent(new ProxyEvent.RequestCompleted(r));
            }
            s.log.flush();

            assertEquals(N, s.scalar("SELECT count(*) FROM requests"));
            assertEquals(N, s.log.written());
            assertEquals(0, s.log.dropped());
            assertEquals(1000, s.scalar("SELECT count(*) FROM request_bodies"), "details only for bodyRetention");

            // totals against what the records say
            assertEquals(List.of(List.of((long) N, mix.success, mix.failedOver, mix.clientError, mix.upstreamError,
                            mix.input, mix.output, mix.cacheWrite5m, mix.cacheWrite1h, mix.cacheRead, mix.cost, mix.unpriced)),
                    s.rows("SELECT sum(requests), sum(success), sum(failed_over), sum(client_error), sum(upstream_error), "
                            + "sum(input_tokens), sum(output_tokens), sum(cache_write_5m_tokens), "
                            + "sum(cache_write_1h_tokens), sum(cache_read_tokens), sum(cost_micros), sum(unpriced) "
                            + "FROM stats_hourly"));
            assertEquals(s.rows("SELECT sum(requests), sum(success), sum(failed_over), sum(client_error), "
                            + "sum(upstream_error), sum(input_tokens), sum(output_tokens), sum(cache_write_5m_tokens), "
                            + "sum(cache_write_1h_tokens), sum(cache_read_tokens), sum(cost_micros), sum(unpriced) "
                            + "FROM stats_hourly"),
                    s.rows("SELECT sum(requests), sum(success), sum(failed_over), sum(client_error), sum(upstream_error), "
                            + "sum(input_tokens), sum(output_tokens), sum(cache_write_5m_tokens), "
                            + "sum(cache_write_1h_tokens), sum(cache_read_tokens), sum(cost_micros), sum(unpriced) "
                            + "FROM stats_daily"));
            assertTrue(mix.unpriced > 0 && mix.failedOver > 0 && mix.clientError > 0, "the mix covers every case");

            // hour by hour, key by key
            assertEquals(s.rows("""
                            SELECT (started_at / 3600000) * 3600000, endpoint, model, sent_model, count(*),
                                   sum(outcome = 'success'), sum(outcome = 'failed_over'), sum(outcome = 'client_error'),
                                   sum(outcome = 'upstream_error'), sum(stream), sum(input_tokens), sum(output_tokens),
                                   sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),
                                   sum(cost_micros), sum(priced = 0),
                                   coalesce(sum(CASE WHEN outcome IN ('success', 'failed_over') THEN total_ms END), 0),
                                   coalesce(max(CASE WHEN outcome IN ('success', 'failed_over') THEN total_ms END), 0),
                                   coalesce(sum(CASE WHEN outcome IN ('success', 'failed_over') AND first_token_ms >= 0
                                                     THEN first_token_ms END), 0),
                                   coalesce(max(CASE WHEN outcome IN ('success', 'failed_over') AND first_token_ms >= 0
                                                     THEN first_token_ms END), 0)
                            FROM requests GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"""),
                    s.rows("""
                            SELECT hour_start, endpoint, model, sent_model, requests, success, failed_over, client_error,
                                   upstream_error, stream, input_tokens, output_tokens, cache_write_5m_tokens,
                                   cache_write_1h_tokens, cache_read_tokens, cost_micros, unpriced, total_ms_sum,
                                   total_ms_max, first_token_ms_sum, first_token_ms_max
                            FROM stats_hourly WHERE requests > 0 ORDER BY 1, 2, 3, 4"""));

            // day by day (the clock's zone is UTC)
            assertEquals(s.rows("""
                            SELECT date(started_at / 1000, 'unixepoch'), count(*), sum(outcome = 'success'),
                                   sum(outcome = 'failed_over'), sum(outcome = 'client_error'),
                                   sum(outcome = 'upstream_error'), sum(input_tokens), sum(output_tokens),
                                   sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),
                                   sum(cost_micros), sum(priced = 0)
                            FROM requests GROUP BY 1 ORDER BY 1"""),
                    s.rows("SELECT day, requests, success, failed_over, client_error, upstream_error, input_tokens, "
                            + "output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, "
                            + "cost_micros, unpriced FROM stats_daily ORDER BY day"));

            // attempts by the endpoint that made them
            assertEquals(s.rows("""
                            SELECT (r.started_at / 3600000) * 3600000, a.endpoint, count(*)
                            FROM request_attempts a JOIN requests r ON r.id = a.request_id
                            GROUP BY 1, 2 ORDER BY 1, 2"""),
                    s.rows("SELECT hour_start, endpoint, sum(attempts) FROM stats_hourly GROUP BY 1, 2 "
                            + "HAVING sum(attempts) > 0 ORDER BY 1, 2"));
            long failures = s.scalar("SELECT count(*) FROM request_attempts WHERE outcome NOT IN ('ok', 'client_closed') "
                    + "AND NOT (outcome LIKE 'http_4%' AND status NOT IN (401, 403, 429))");
            assertEquals(failures, s.scalar("SELECT sum(attempt_failures) FROM stats_hourly"));

            // histograms, bucket by bucket
            Map<String, Histogram[]> fromRows = new HashMap<>();
            for (List<Object> r : s.rows("SELECT ((started_at / 3600000) * 3600000) || '|' || endpoint || '|' || model || '|' "
                    + "|| sent_model, total_ms, first_token_ms FROM requests WHERE outcome IN ('success', 'failed_over')")) {
                Histogram[] h = fromRows.computeIfAbsent((String) r.get(0), k -> new Histogram[] {new Histogram(),
                        new Histogram()});
                h[0].add((Long) r.get(1));
                if ((Long) r.get(2) >= 0) {
                    h[1].add((Long) r.get(2));
                }
            }
            Map<String, String[]> stored = new HashMap<>();
            for (List<Object> r : s.rows("SELECT hour_start || '|' || endpoint || '|' || model || '|' || sent_model, "
                    + "total_hist, first_token_hist FROM stats_hourly WHERE total_hist != '' OR first_token_hist != ''")) {
                stored.put((String) r.get(0), new String[] {(String) r.get(1), (String) r.get(2)});
            }
            assertEquals(fromRows.keySet(), stored.keySet());
            fromRows.forEach((k, h) -> {
                assertEquals(h[0].encode(), stored.get(k)[0], k);
                assertEquals(h[1].encode(), stored.get(k)[1], k);
            });
            assertEquals(mix.success + mix.failedOver, fromRows.values().stream().mapToLong(h -> h[0].count()).sum());
        }
    }
}
