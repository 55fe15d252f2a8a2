package dev.codeproxy.store.usage;

import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.store.log.Rec;
import dev.codeproxy.store.log.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The usage reports on seeded requests, against totals worked out by hand (the clock says
 * 2026-11-26T12:30Z, UTC). Prices per million tokens: Sonnet 4.5 3 / 15 / 3.75 / 6 / 0.30,
 * Haiku 4.5 1 / 5 / 1.25 / 2 / 0.10, Opus 4.1 15 / 75 / 18.75 / 30 / 1.50 (so micro-USD per token).
 */
class UsageQueriesTest {
    static final String SONNET = "claude-sonnet-4-5-20250929";
    static final String OPUS = "claude-opus-4-1-20250805";
    static final String HAIKU = "claude-haiku-4-5-20251001";

    @TempDir
    Path dir;
    TestStore s;
    UsageQueries q;

    static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    /** The seed every report test (here and the command line's) works from. */
    static void seed(TestStore s) {
        s.write(
                // S1, a: 1000*3 + 500*15 = 10,500
                Rec.of(1).at(at("2026-11-26T10:05:00Z")).endpoint("a").usage(1000, 500, 0, 0, 0).times(100, 300, 800)
                        .session("s1", "/home/u/app"),
                // S1, a: 100*3 + 100*15 + 2000*3.75 + 5000*0.3 = 300 + 1500 + 7500 + 1500 = 10,800
                Rec.of(2).at(at("2026-11-26T10:40:00Z")).endpoint("a").usage(100, 100, 2000, 0, 5000)
                        .session("s1", null),
                // S1, failed over to b: a switch; 300 + 1500 + 4000*3.75 (15,000, the failover cost) = 16,800
                Rec.of(3).at(at("2026-11-26T11:10:00Z")).endpoint("b").usage(100, 100, 4000, 0, 0).times(200, 1200, 2500)
                        .failedOverFrom("a", "http_529", 529).session("s1", "/home/u/app"),
                // S2 yesterday, Haiku: 10000*1 + 1000*5 = 15,000
                Rec.of(4).at(at("2026-11-25T09:00:00Z")).endpoint("a").model(HAIKU, HAIKU).usage(10000, 1000, 0, 0, 0)
                        .session("s2", "/srv/other"),
                // S2 yesterday, Haiku: 10000*0.1 = 1,000 (same block as 09:00: 13:00 < 14:00)
                Rec.of(5).at(at("2026-11-25T13:30:00Z")).endpoint("a").model(HAIKU, HAIKU).usage(0, 0, 0, 0, 10000)
                        .session("s2", "/srv/other"),
                // no session, October: 100*15 + 100*75 = 9,000
                Rec.of(6).at(at("2026-10-31T23:30:00Z")).endpoint("a").model(OPUS, OPUS).usage(100, 100, 0, 0, 0),
                // no session, today: an error without usage (a request, no tokens)
                Rec.of(7).at(at("2026-11-26T12:10:00Z")).endpoint("a").usage(0, 0, 0, 0, 0).status(529, "overloaded"));
    }

    @BeforeEach
    void setUp() {
        s = new TestStore(dir);
        q = new UsageQueries(s.db, s.clock);
        seed(s);
    }

    @AfterEach
    void tearDown() {
        s.close();
    }

    @Test
    void dailyByModel() {
        List<PeriodUsage> d = q.daily(null, null);
        assertEquals(List.of("2026-10-31", "2026-11-25", "2026-11-26"), d.stream().map(PeriodUsage::period).toList());
        assertEquals(new Usage(100, 100, 0, 0, 0), d.get(0).tokens());
        assertEquals(9_000, d.get(0).costMicros());
        assertEquals(List.of(OPUS), d.get(0).models().stream().map(ModelUsage::model).toList());
        assertEquals(new Usage(10_000, 1_000, 0, 0, 10_000), d.get(1).tokens());
        assertEquals(16_000, d.get(1).costMicros());
        assertEquals(2, d.get(1).requests());
        assertEquals(new Usage(1_200, 700, 6_000, 0, 5_000), d.get(2).tokens());
        assertEquals(38_100, d.get(2).costMicros());
        assertEquals(4, d.get(2).requests(), "the error counts as a request");
        assertEquals(1, d.get(2).models().size(), "a model without tokens or cost is left out of the breakdown");

        assertEquals(List.of("2026-11-25"), q.daily(LocalDate.parse("2026-11-25"), LocalDate.parse("2026-11-25"))
                .stream().map(PeriodUsage::period).toList());
        assertEquals(List.of("2026-11-26"), q.daily(LocalDate.parse("2026-11-26"), null).stream()
                .map(PeriodUsage::period).toList());
    }

    @Test
    void monthly() {
        List<PeriodUsage> m = q.monthly(null, null);
        assertEquals(List.of("2026-10", "2026-11"), m.stream().map(PeriodUsage::period).toList());
        assertEquals(9_000, m.get(0).costMicros());
        assertEquals(54_100, m.get(1).costMicros());
        assertEquals(new Usage(11_200, 1_700, 6_000, 0, 15_000), m.get(1).tokens());
        assertEquals(List.of(SONNET, HAIKU), m.get(1).models().stream().map(ModelUsage::model).toList(),
                "most expensive first");
    }

    @Test
    void sessionsWithFailoverCost() {
        List<SessionUsage> all = q.sessions(null, null);
        assertEquals(List.of("s1", "s2"), all.stream().map(SessionUsage::sessionId).toList(), "latest first");
        SessionUsage s1 = all.getFirst();
        assertEquals("/home/u/app", s1.project());
        assertEquals(3, s1.requests());
        assertEquals(new Usage(1_200, 700, 6_000, 0, 5_000), s1.tokens());
        assertEquals(38_100, s1.costMicros());
        assertEquals(at("2026-11-26T10:05:00Z"), s1.firstAt());
        assertEquals(at("2026-11-26T11:10:00Z") + 2_500, s1.lastAt());
        assertEquals(1, s1.failedOver());
        assertEquals(1, s1.endpointSwitches());
        assertEquals(4_000, s1.failoverCacheWriteTokens());
        assertEquals(15_000, s1.failoverCostMicros());
        assertEquals("b", s1.lastEndpoint());
        assertEquals(List.of("a", "b"), s1.endpoints());
        assertEquals(5_000.0 / 12_200, s1.cacheHitRatio(), 1e-12);

        SessionUsage s2 = all.get(1);
        assertEquals(16_000, s2.costMicros());
        assertEquals(0, s2.endpointSwitches());
        assertEquals(List.of(HAIKU), s2.models().stream().map(ModelUsage::model).toList());

        assertEquals(List.of("s2"), q.sessions(null, LocalDate.parse("2026-11-25")).stream()
                .map(SessionUsage::sessionId).toList());
    }

    @Test
    void sessionsSurvivePruning() {
        s.set(Map.of("logRetention", "100"));
        s.db.client().execute().dml("DELETE FROM requests");
        assertEquals(38_100, q.session("s1").orElseThrow().costMicros());
        assertEquals(0, q.timeline("s1", 100).size());
        assertEquals(3, q.daily(null, null).size());
    }

    @Test
    void timelineMarksTheSwitch() {
        List<SessionRequest> t = q.timeline("s1", 100);
        assertEquals(List.of(1L, 2L, 3L), t.stream().map(SessionRequest::id).toList());
        assertEquals(List.of(false, false, true), t.stream().map(SessionRequest::switched).toList());
        assertEquals(16_800, t.get(2).costMicros());
    }

    @Test
    void blocksWithBurnRateForTheActiveOne() {
        List<Block> b = q.blocks(null, null);
        assertEquals(3, b.size());
        assertEquals(at("2026-10-31T23:00:00Z"), b.get(0).start());
        assertEquals(at("2026-11-01T04:00:00Z"), b.get(0).end());
        assertEquals(9_000, b.get(0).costMicros());
        assertFalse(b.get(0).active());
        assertNull(b.get(0).burn());

        assertEquals(at("2026-11-25T09:00:00Z"), b.get(1).start());
        assertEquals(16_000, b.get(1).costMicros());
        assertEquals(21_000, UsageQueries.total(b.get(1).tokens()));
        assertEquals(2, b.get(1).requests());

        Block active = b.get(2);
        assertEquals(at("2026-11-26T10:00:00Z"), active.start());
        assertEquals(at("2026-11-26T15:00:00Z"), active.end());
        assertTrue(active.active());
        assertEquals(12_900, UsageQueries.total(active.tokens()));
        assertEquals(38_100, active.costMicros());
        // 145 minutes since the first request at 10:05: 12,900 / 145 = 88.97 tokens a minute,
        // 38,100 / 145 * 60 = 15,766 micro-USD an hour; 150 minutes left:
        // 12,900 + 13,345 tokens and 38,100 + 39,414 micro-USD at the end
        assertEquals(88.97, active.burn().tokensPerMinute(), 1e-9);
        assertEquals(15_766, active.burn().costMicrosPerHour());
        assertEquals(150, active.projection().remainingMinutes());
        assertEquals(26_245, active.projection().totalTokens());
        assertEquals(77_514, active.projection().costMicros());

        assertEquals(active, q.activeBlock().orElseThrow());
        assertEquals(38_100, q.todayCostMicros());
        assertEquals(List.of(at("2026-11-25T09:00:00Z")), q.blocks(LocalDate.parse("2026-11-25"),
                LocalDate.parse("2026-11-25")).stream().map(Block::start).toList());
    }
}
