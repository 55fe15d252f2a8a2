package dev.codeproxy.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The token meter against a real database: every count and charge is atomic, so concurrent
 * callers (threads here; instances sharing one database in production) never lose or share a
 * unit. The database comes from {@link #open}: SQLite in the temporary directory here; a
 * subclass may return another engine's {@link Database} to run the same checks there.
 */
class TokenMeterTest {
    @TempDir
    Path dir;
    Database db;
    TokenMeter meter;
    TokenRepository tokens;

    /** The database under test (override for another engine). */
    Database open(Path dir) {
        return Database.open(dir);
    }

    @BeforeEach
    void setUp() {
        db = open(dir);
        meter = new TokenMeter(db.client());
        tokens = new TokenRepository(db.client());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private long token(String name) {
        return tokens.create(name, TokenLimits.NONE.withRpm(10)).stored().id();
    }

    @Test
    void concurrentCountsEachGetTheirOwnNumber() throws Exception {
        long id = token("count");
        long minute = TokenMeter.minute(Instant.parse("2026-12-05T10:15:30Z").toEpochMilli());
        int n = 64;
        List<Long> got = run(n, () -> meter.count(id, minute).requests());
        Set<Long> distinct = new TreeSet<>(got);
        assertEquals(n, distinct.size(), "no two callers saw the same count: " + got);
        assertEquals(1L, ((TreeSet<Long>) distinct).first());
        assertEquals(n, ((TreeSet<Long>) distinct).last());
        assertEquals(n, meter.window(id, minute).requests());
        // another minute is another window; another token another row
        assertEquals(1, meter.count(id, minute + 1).requests());
        assertEquals(1, meter.count(token("other"), minute).requests());
        meter.uncount(id, minute);
        assertEquals(n - 1, meter.window(id, minute).requests());
    }

    @Test
    void uncountNeverGoesBelowZero() {
        long id = token("zero");
        meter.uncount(id, 5);
        assertEquals(TokenMeter.Window.EMPTY, meter.window(id, 5));
        meter.count(id, 5);
        meter.uncount(id, 5);
        meter.uncount(id, 5);
        assertEquals(0, meter.window(id, 5).requests());
    }

    @Test
    void concurrentChargesAddUpExactly() throws Exception {
        long id = token("charge");
        long period = TokenLimits.Period.DAY.start(Instant.parse("2026-12-05T10:15:30Z")).toEpochMilli();
        int n = 64;
        run(n, () -> {
            meter.charge(id, period, 1_234, 7, 100);
            return 0L;
        });
        assertEquals(n * 1_234L, meter.spent(id, period));
        assertEquals(n * 100L, meter.window(id, 7).tokens());
        assertEquals(0, meter.window(id, 7).requests(), "charging counts tokens, not requests");
        assertEquals(0, meter.spent(id, period + 1), "another period starts from nothing");
        // a charge without tokens adds spend only
        meter.charge(id, period, 6, 8, 0);
        assertEquals(n * 1_234L + 6, meter.spent(id, period));
        assertEquals(TokenMeter.Window.EMPTY, meter.window(id, 8));
    }

    @Test
    void usageIsTheCurrentPeriodAndMinute() {
        long id = token("usage");
        Instant now = Instant.parse("2026-12-05T10:15:30Z");
        TokenLimits monthly = TokenLimits.NONE.withBudget(5_000_000).withPeriod(TokenLimits.Period.MONTH);
        long dec = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
        long minute = TokenMeter.minute(now.toEpochMilli());
        meter.charge(id, dec, 2_500_000, minute, 42);
        meter.count(id, minute);
        meter.charge(id, Instant.parse("2026-11-01T00:00:00Z").toEpochMilli(), 9_000_000, minute - 60 * 24 * 30, 1);
        TokenMeter.Usage u = meter.usage(id, monthly, now);
        assertEquals(2_500_000, u.spentMicros());
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), u.periodStart());
        assertEquals(Instant.parse("2027-01-01T00:00:00Z"), u.periodEnd());
        assertEquals(1, u.requests());
        assertEquals(42, u.tokens());
        TokenMeter.Usage daily = meter.usage(id, monthly.withPeriod(TokenLimits.Period.DAY), now);
        assertEquals(0, daily.spentMicros(), "nothing was charged to the day's period");
        assertEquals(Instant.parse("2026-12-06T00:00:00Z"), daily.periodEnd());
    }

    @Test
    void oldWindowsArePruned() {
        long id = token("prune");
        meter.count(id, 100);
        meter.count(id, 105);
        meter.count(id, 110);
        assertEquals(2, meter.pruneWindows(110));
        assertEquals(1, meter.window(id, 110).requests());
        assertEquals(TokenMeter.Window.EMPTY, meter.window(id, 100));
    }

    @Test
    void limitsAreStoredAndReadBack() {
        TokenLimits l = new TokenLimits("alice", 12_500_000, TokenLimits.Period.DAY, 30, 200_000,
                List.of("claude-sonnet", "haiku"), LocalDate.of(2031, 1, 15));
        TokenRepository.Created c = tokens.create("alice-laptop", l);
        assertEquals(l, c.stored().limits());
        assertEquals(l, tokens.find(c.stored().id()).orElseThrow().limits());
        assertEquals(l, tokens.activeTokens().get(TokenRepository.hash(c.token())).limits());
        assertTrue(tokens.update(c.stored().id(), TokenLimits.NONE));
        assertEquals(TokenLimits.NONE, tokens.find(c.stored().id()).orElseThrow().limits());
        tokens.revoke(c.stored().id());
        assertTrue(tokens.find(c.stored().id()).isEmpty());
        assertTrue(!tokens.update(c.stored().id(), l), "a revoked token's limits are not changed");
    }

    private interface Call {
        long call() throws Exception;
    }

    /** Runs {@code n} calls at once (released together) and returns their results. */
    private static List<Long> run(int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentLinkedQueue<Long> out = new ConcurrentLinkedQueue<>();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(pool.submit(() -> {
                    go.await();
                    out.add(call.call());
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new ArrayList<>(out);
    }
}
