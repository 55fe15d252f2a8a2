package dev.codeproxy.store.log;

import dev.codeproxy.core.event.RequestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetentionTest {
    static final String STATS = "SELECT * FROM stats_hourly ORDER BY hour_start, endpoint, model, sent_model";
    static final String DAILY = "SELECT * FROM stats_daily ORDER BY day";

    @TempDir
    Path dir;

    @Test
    void keepsTheNewestLogRetentionRowsAndBodyRetentionDetails() {
        try (TestStore s = new TestStore(dir)) {
            s.set(Map.of("logRetention", "100", "bodyRetention", "20"));
            Mix mix = new Mix();
            List<RequestRecord> recs = mix.records(1000, 1, TestStore.NOW.toEpochMilli(), Duration.ofHours(30).toMillis(), 3);
            for (int i = 0; i < recs.size(); i++) {
                s.log.offer(recs.get(i));
                if (i % 97 == 0) {
                    s.log.flush(); // many small batches, retention between them
                }
            }
            s.log.flush();
            assertEquals(100, s.scalar("SELECT count(*) FROM requests"));
            assertEquals(901, s.scalar("SELECT min(id) FROM requests"));
            assertEquals(1000, s.scalar("SELECT max(id) FROM requests"));
            assertEquals(20, s.scalar("SELECT count(*) FROM request_bodies"));
            assertEquals(981, s.scalar("SELECT min(request_id) FROM request_bodies"));
            assertEquals(0, s.scalar("SELECT count(*) FROM request_attempts WHERE request_id < 901"));
            assertEquals(s.scalar("SELECT sum(attempts) FROM requests"), s.scalar("SELECT count(*) FROM request_attempts"));
            // aggregates still count all 1000
            assertEquals(1000, s.scalar("SELECT sum(requests) FROM stats_hourly"));
            assertEquals(1000, s.scalar("SELECT sum(requests) FROM stats_daily"));
            assertEquals(mix.cost, s.scalar("SELECT sum(cost_micros) FROM stats_hourly"));
            assertEquals(mix.cacheRead, s.scalar("SELECT sum(cache_read_tokens) FROM stats_daily"));
        }
    }

    @Test
    void loweringRetentionPrunesInChunksAndLeavesAggregatesAsTheyWere() {
        try (TestStore s = new TestStore(dir)) {
            s.set(Map.of("logRetention", "10000000", "bodyRetention", "1000000"));
            Mix mix = new Mix();
            for (RequestRecord r : mix.records(3000, 1, TestStore.NOW.toEpochMilli(), Duration.ofDays(3).toMillis(), 5)) {
                s.log.offer(r);
            }
            s.log.flush();
            assertEquals(3000, s.scalar("SELECT count(*) FROM requests"));
            assertEquals(3000, s.scalar("SELECT count(*) FROM request_bodies"));
            var hourly = s.rows(STATS);
            var daily = s.rows(DAILY);

            s.set(Map.of("logRetention", "100", "bodyRetention", "0"));
            s.log.flush();
            assertEquals(100, s.scalar("SELECT count(*) FROM requests"));
            assertEquals(2901, s.scalar("SELECT min(id) FROM requests"));
            assertEquals(0, s.scalar("SELECT count(*) FROM request_bodies"));
            assertEquals(hourly, s.rows(STATS), "pruning the log never touches the hourly aggregates");
            assertEquals(daily, s.rows(DAILY), "nor the daily ones");

            // new rows keep no details with bodyRetention 0
            s.write(Rec.of(5000));
            assertEquals(0, s.scalar("SELECT count(*) FROM request_bodies"));
            assertEquals(100, s.scalar("SELECT count(*) FROM requests"));
        }
    }

    @Test
    void retentionAppliesAcrossRestarts() {
        try (TestStore s = new TestStore(dir)) {
            s.set(Map.of("logRetention", "10000000"));
            for (int i = 1; i <= 500; i++) {
                s.log.offer(Rec.of(i).build());
            }
            s.log.flush();
        }
        try (TestStore s = new TestStore(dir)) {
            s.set(Map.of("logRetention", "100", "bodyRetention", "10"));
            s.log.flush();
            assertEquals(100, s.scalar("SELECT count(*) FROM requests"));
            assertEquals(10, s.scalar("SELECT count(*) FROM request_bodies"));
            assertEquals(500, s.scalar("SELECT sum(requests) FROM stats_daily"));
        }
    }

    @Test
    void aggregatesOlderThanTheirKeepPeriodArePruned() {
        Instant now = TestStore.NOW;
        try (TestStore s = new TestStore(dir)) {
            s.write(Rec.of(1).at(now.minus(Duration.ofDays(900)).toEpochMilli()),
                    Rec.of(2).at(now.minus(Duration.ofDays(500)).toEpochMilli()),
                    Rec.of(3).at(now.minus(Duration.ofDays(399)).toEpochMilli()),
                    Rec.of(4).at(now.toEpochMilli()));
        }
        try (TestStore s = new TestStore(dir)) {
            s.log.flush();
            assertEquals(2, s.scalar("SELECT sum(requests) FROM stats_hourly"), "hourly: 400 days");
            assertEquals(3, s.scalar("SELECT sum(requests) FROM stats_daily"), "daily: 800 days");
            assertEquals(4, s.scalar("SELECT count(*) FROM requests"), "the log has its own retention");
            assertTrue(s.scalar("SELECT min(hour_start) FROM stats_hourly") > now.minus(Duration.ofDays(400)).toEpochMilli());
        }
    }
}
