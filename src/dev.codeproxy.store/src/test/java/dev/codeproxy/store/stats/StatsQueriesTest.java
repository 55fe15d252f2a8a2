package dev.codeproxy.store.stats;

import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.store.log.Rec;
import dev.codeproxy.store.log.RequestLog;
import dev.codeproxy.store.log.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every query on seeded requests, against numbers worked out by hand. The clock says 2026-11-26T12:30Z. */
class StatsQueriesTest {
    static final String SONNET = "claude-sonnet-4-5-20250929";
    static final String OPUS = "claude-opus-4-1-20250805";
    static final String HAIKU = "claude-haiku-4-5-20251001";

    @TempDir
    Path dir;
    TestStore s;
    StatsQueries q;

    static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @BeforeEach
    void seed() {
        s = new TestStore(dir);
        q = new StatsQueries(s.db, s.clock);
        s.write(
                // today 10:xx: 1000*3 + 500*15 = 10,500
                Rec.of(1).at(at("2026-11-26T10:05:00Z")).endpoint("a").usage(1000, 500, 0, 0, 0).times(100, 300, 800),
                // today 10:xx, upstream error with usage: 2000*3 = 6,000
                Rec.of(2).at(at("2026-11-26T10:40:00Z")).endpoint("a").usage(2000, 0, 0, 0, 0).times(50, -1, 100)
                        .status(529, "overloaded"),
                // today 11:xx, Opus 4.1 after failing over from a: 100 * (15 + 75 + 18.75 + 30 + 1.5) = 14,025
                Rec.of(3).at(at("2026-11-26T11:10:00Z")).endpoint("b").model(OPUS, OPUS).usage(100, 100, 100, 100, 100)
                        .times(200, 1200, 2500).failedOverFrom("a", "http_529", 529),
                // yesterday, Haiku 4.5: 10000*1 + 1000*5 = 15,000
                Rec.of(4).at(at("2026-11-25T09:00:00Z")).endpoint("a").model(HAIKU, HAIKU).usage(10000, 1000, 0, 0, 0)
                        .times(50, 60, 150),
                // 5 days ago, unpriced, client error
                Rec.of(5).at(at("2026-11-21T12:00:00Z")).endpoint("b").model("glm-4.6", "glm-4.6")
                        .usage(500, 500, 0, 0, 0).times(10, -1, 40).status(400, "invalid"),
                // 20 days ago: 1000*15 = 15,000
                Rec.of(6).at(at("2026-11-06T08:00:00Z")).endpoint("a").usage(0, 1000, 0, 0, 0).times(100, 1000, 5000),
                // 100 days ago, mapped to an Opus newer than the table (family price, read 0.50): 10000*0.5 = 5,000
                Rec.of(7).at(at("2026-08-18T12:00:00Z")).endpoint("a").model(SONNET, "claude-opus-4-8")
                        .usage(0, 0, 0, 0, 10000).times(100, 100, 60000));
    }

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void summaryToday() {
        Summary t = q.summary(StatsRange.TODAY);
        assertEquals(new Summary(StatsRange.TODAY, LocalDate.parse("2026-11-26"), 3, 1, 1, 0, 1, 2.0 / 3,
                new Usage(3100, 600, 100, 100, 100), 30_525, 0), t);
    }

    @Test
    void summaryLast7And30DaysAndAll() {
        assertEquals(new Summary(StatsRange.LAST_7_DAYS, LocalDate.parse("2026-11-20"), 5, 2, 1, 1, 1, 0.6,
                new Usage(13_600, 2100, 100, 100, 100), 45_525, 1), q.summary(StatsRange.LAST_7_DAYS));
        assertEquals(new Summary(StatsRange.LAST_30_DAYS, LocalDate.parse("2026-10-28"), 6, 3, 1, 1, 1, 4.0 / 6,
                new Usage(13_600, 3100, 100, 100, 100), 60_525, 1), q.summary(StatsRange.LAST_30_DAYS));
        Summary all = q.summary(StatsRange.ALL);
        assertNull(all.firstDay());
        assertEquals(new Summary(StatsRange.ALL, null, 7, 4, 1, 1, 1, 5.0 / 7,
                new Usage(13_600, 3100, 100, 100, 10_100), 65_525, 1), all);
    }

    @Test
    void summaryOfNothing() throws Exception {
        try (TestStore empty = new TestStore(dir.resolve("empty"))) {
            Summary z = new StatsQueries(empty.db, empty.clock).summary(StatsRange.ALL);
            assertEquals(0, z.requests());
            assertEquals(0.0, z.successRate());
            assertEquals(Usage.NONE, z.tokens());
        }
    }

    @Test
    void hourlySeriesOfToday() {
        List<SeriesPoint> today = q.series(StatsRange.TODAY);
        assertEquals(13, today.size(), "00:00 to the end of the 12:00 hour");
        assertEquals(Instant.parse("2026-11-26T00:00:00Z"), today.getFirst().start());
        assertEquals(new SeriesPoint(Instant.parse("2026-11-26T10:00:00Z"), 2, 1, 0, new Usage(3000, 500, 0, 0, 0), 16_500),
                today.get(10));
        assertEquals(new SeriesPoint(Instant.parse("2026-11-26T11:00:00Z"), 1, 0, 1, new Usage(100, 100, 100, 100, 100),
                14_025), today.get(11));
        assertEquals(new SeriesPoint(Instant.parse("2026-11-26T12:00:00Z"), 0, 0, 0, Usage.NONE, 0), today.get(12));
        assertEquals(2 + 1, today.stream().mapToLong(SeriesPoint::requests).sum());
        // an explicit range starting mid-hour starts at that hour
        List<SeriesPoint> two = q.hourly(Instant.parse("2026-11-26T10:30:00Z"), Instant.parse("2026-11-26T12:00:00Z"));
        assertEquals(List.of(Instant.parse("2026-11-26T10:00:00Z"), Instant.parse("2026-11-26T11:00:00Z")),
                two.stream().map(SeriesPoint::start).toList());
        assertThrows(IllegalArgumentException.class, () -> q.hourly(Instant.EPOCH, Instant.parse("2026-11-26T10:30:00Z")));
    }

    @Test
    void dailySeries() {
        List<SeriesPoint> week = q.series(StatsRange.LAST_7_DAYS);
        assertEquals(7, week.size());
        assertEquals(Instant.parse("2026-11-20T00:00:00Z"), week.getFirst().start());
        assertEquals(new SeriesPoint(Instant.parse("2026-11-21T00:00:00Z"), 1, 1, 0, new Usage(500, 500, 0, 0, 0), 0),
                week.get(1));
        assertEquals(new SeriesPoint(Instant.parse("2026-11-25T00:00:00Z"), 1, 0, 0, new Usage(10_000, 1000, 0, 0, 0),
                15_000), week.get(5));
        assertEquals(new SeriesPoint(Instant.parse("2026-11-26T00:00:00Z"), 3, 1, 1, new Usage(3100, 600, 100, 100, 100),
                30_525), week.get(6));
        assertEquals(0, week.get(0).requests() + week.get(2).requests() + week.get(3).requests() + week.get(4).requests());
        List<SeriesPoint> all = q.series(StatsRange.ALL);
        assertEquals(101, all.size(), "2026-08-18 .. 2026-11-26");
        assertEquals(new SeriesPoint(Instant.parse("2026-08-18T00:00:00Z"), 1, 0, 0, new Usage(0, 0, 0, 0, 10_000), 5000),
                all.getFirst());
        assertEquals(q.daily(LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-26")), week);
    }

    @Test
    void byModelToday() {
        assertEquals(List.of(
                        new ModelStats(SONNET, SONNET, 2, 1, 0, new Usage(3000, 500, 0, 0, 0), 16_500, 0),
                        new ModelStats(OPUS, OPUS, 1, 0, 1, new Usage(100, 100, 100, 100, 100), 14_025, 0)),
                q.byModel(StatsRange.TODAY));
    }

    @Test
    void byModelAllShowsWhatWasAskedAndWhatWasSent() {
        assertEquals(List.of(
                        new ModelStats(SONNET, SONNET, 3, 1, 0, new Usage(3000, 1500, 0, 0, 0), 31_500, 0),
                        new ModelStats(HAIKU, HAIKU, 1, 0, 0, new Usage(10_000, 1000, 0, 0, 0), 15_000, 0),
                        new ModelStats(OPUS, OPUS, 1, 0, 1, new Usage(100, 100, 100, 100, 100), 14_025, 0),
                        new ModelStats(SONNET, "claude-opus-4-8", 1, 0, 0, new Usage(0, 0, 0, 0, 10_000), 5000, 0),
                        new ModelStats("glm-4.6", "glm-4.6", 1, 1, 0, new Usage(500, 500, 0, 0, 0), 0, 1)),
                q.byModel(StatsRange.ALL));
    }

    @Test
    void byEndpointToday() {
        assertEquals(List.of(
                        // a served 1 and 2; it was also tried first for 3 and failed (http_529), as it did for 2
                        new EndpointStats("a", 2, 1, 0, 0, 1, 0.5, 3, 2, 2.0 / 3,
                                new Latency(1, 800, 800, 800, 800, 800), new Latency(1, 300, 300, 300, 300, 300)),
                        new EndpointStats("b", 1, 0, 1, 0, 0, 0.0, 1, 0, 0.0,
                                new Latency(1, 2500, 2500, 2500, 2500, 2500), new Latency(1, 1200, 1200, 1200, 1200, 1200))),
                q.byEndpoint(StatsRange.TODAY));
    }

    @Test
    void endpointPercentilesFromTheHistograms() {
        // totals 100, 200, 300, 400 fall in (50,100], (100,200], (200,300], (300,500]; first tokens all in (0,50]
        for (int i = 0; i < 4; i++) {
            s.log.offer(Rec.of(100 + i).at(at("2026-11-26T09:15:00Z")).endpoint("c")
                    .times(5, 10 * (i + 1), 100 * (i + 1)).build());
        }
        s.log.flush();
        EndpointStats c = q.byEndpoint(Instant.parse("2026-11-26T09:00:00Z"), Instant.parse("2026-11-26T10:00:00Z"))
                .getFirst();
        assertEquals("c", c.endpoint());
        // p50: rank 2 -> 2nd bucket (100,200] holds it whole -> 200; p95/p99: rank 4 -> (300,500] ends at 500, max is 400
        assertEquals(new Latency(4, 250, 200, 400, 400, 400), c.total());
        // rank 2 of 4 in (0,50] -> 25; rank 4 -> 50, capped by max 40; mean 25
        assertEquals(new Latency(4, 25, 25, 40, 40, 40), c.firstToken());
        assertEquals(4, c.requests());
        assertEquals(0.0, c.errorRate());
    }

    @Test
    void heatmap() {
        List<HeatmapDay> week = q.heatmap(LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-26"));
        assertEquals(List.of(
                new HeatmapDay(LocalDate.parse("2026-11-20"), 0, 0, 0),
                new HeatmapDay(LocalDate.parse("2026-11-21"), 1000, 1, 0),
                new HeatmapDay(LocalDate.parse("2026-11-22"), 0, 0, 0),
                new HeatmapDay(LocalDate.parse("2026-11-23"), 0, 0, 0),
                new HeatmapDay(LocalDate.parse("2026-11-24"), 0, 0, 0),
                new HeatmapDay(LocalDate.parse("2026-11-25"), 11_000, 1, 15_000),
                new HeatmapDay(LocalDate.parse("2026-11-26"), 4000, 3, 30_525)), week);
        List<HeatmapDay> year = q.heatmapYear();
        assertEquals(365, year.size());
        assertEquals(LocalDate.parse("2025-11-27"), year.getFirst().day());
        assertEquals(LocalDate.parse("2026-11-26"), year.getLast().day());
        assertEquals(new HeatmapDay(LocalDate.parse("2026-08-18"), 10_000, 1, 5000),
                year.stream().filter(d -> d.day().equals(LocalDate.parse("2026-08-18"))).findFirst().orElseThrow());
        assertEquals(7, year.stream().mapToLong(HeatmapDay::requests).sum());
        assertThrows(IllegalArgumentException.class, () -> q.heatmap(LocalDate.parse("2026-11-26"),
                LocalDate.parse("2026-11-25")));
    }

    @Test
    void daysFollowTheLogsZone() throws Exception {
        ZoneId ny = ZoneId.of("America/New_York");
        try (TestStore z = new TestStore(dir.resolve("ny"), ny, RequestLog.DEFAULT_QUEUE_CAPACITY)) {
            // 03:00Z is still the 25th in New York (UTC-5); 12:00Z is the 26th
            z.write(Rec.of(1).at(at("2026-11-26T03:00:00Z")).usage(1, 0, 0, 0, 0),
                    Rec.of(2).at(at("2026-11-26T12:00:00Z")).usage(2, 0, 0, 0, 0));
            StatsQueries nq = new StatsQueries(z.db, z.clock);
            assertEquals(LocalDate.parse("2026-11-26"), nq.today());
            assertEquals(1, nq.summary(StatsRange.TODAY).requests());
            assertEquals(2, nq.summary(StatsRange.LAST_7_DAYS).requests());
            assertEquals(List.of(1L, 2L), nq.heatmap(LocalDate.parse("2026-11-25"), LocalDate.parse("2026-11-26")).stream()
                    .map(HeatmapDay::tokens).toList());
            assertEquals(Instant.parse("2026-11-26T05:00:00Z"), nq.daily(LocalDate.parse("2026-11-26"),
                    LocalDate.parse("2026-11-26")).getFirst().start());
            assertEquals(Instant.parse("2026-11-26T05:00:00Z"), StatsRange.TODAY.start(z.clock));
        }
    }

    @Test
    void rangesParse() {
        assertEquals(StatsRange.LAST_7_DAYS, StatsRange.parse("7D").orElseThrow());
        assertEquals("30d", StatsRange.LAST_30_DAYS.wire());
        assertEquals(true, StatsRange.parse("week").isEmpty());
    }
}
