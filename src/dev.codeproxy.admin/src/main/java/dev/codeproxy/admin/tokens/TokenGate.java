package dev.codeproxy.admin.tokens;

import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.pricing.Cost;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.core.wire.ApiError;
import dev.codeproxy.proxy.Admission.Refusal;
import dev.codeproxy.store.PriceRepository;
import dev.codeproxy.store.TokenLimits;
import dev.codeproxy.store.TokenMeter;
import dev.codeproxy.store.TokenRepository.StoredToken;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The database side of a limited token's admission: the budget check, the rate window's count
 * and the charge when a request ends, each run on a small pool of platform threads of its own
 * ({@value #THREADS} threads, "client-token-limits-N"), never on the virtual thread that serves
 * the request (sqlite-jdbc is native code and would pin its carrier).
 *
 * <p>The request's thread waits at most {@link #timeout} for an answer. <b>When the database is
 * slower than that, the request is refused</b> (503 {@code overloaded_error} with
 * {@code retry-after: 1}): a token has limits so that it cannot spend past them, and letting
 * requests through unchecked would break exactly that. Tokens without limits never come here.
 * A count that lands after its request was refused is taken back.
 */
final class TokenGate implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TokenGate.class.getName());
    /** How long a request waits for its admission or its charge (default). */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final int THREADS = 2;
    /** Admissions and charges waiting for a thread; past it a request is refused as when the database is slow. */
    static final int QUEUE = 1024;
    /** Rate windows older than this many minutes are deleted (at most once a minute). */
    private static final long KEEP_MINUTES = 10;

    private final TokenMeter meter;
    private final PriceRepository prices;
    private final Clock clock;
    private final Duration timeout;
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), Thread.ofPlatform().daemon().name("client-token-limits-", 1).factory());
    private volatile PriceTable table;
    private volatile long tableVersion = -1;
    private volatile long tableCheckedNanos;
    private volatile long prunedMinute;

    TokenGate(TokenMeter meter, PriceRepository prices, Clock clock, Duration timeout) {
        this.meter = meter;
        this.prices = prices;
        this.clock = clock;
        this.timeout = timeout;
        pool.allowCoreThreadTimeOut(true);
    }

    Clock clock() {
        return clock;
    }

    TokenMeter meter() {
        return meter;
    }

    /** What admitting one request came to: a refusal, or the minute whose window counted it (-1: none). */
    record Decision(Refusal refusal, long countedMinute) {
    }

    /** Budget, then rates, for a token with a budget or a rate; waits up to the timeout. */
    Decision admit(StoredToken t) {
        // 0 running, 1 answered, 2 abandoned by the request (timed out): a late count is then taken back
        AtomicInteger state = new AtomicInteger();
        Future<Decision> f;
        try {
            f = pool.submit(() -> {
                Decision d = decide(t);
                if (!state.compareAndSet(0, 1) && d.countedMinute() >= 0) {
                    meter.uncount(t.id(), d.countedMinute());
                }
                return d;
            });
        } catch (RejectedExecutionException e) {
            return new Decision(slow(t, "its checks are queued past " + QUEUE), -1);
        }
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (state.compareAndSet(0, 2)) {
                return new Decision(slow(t, "the database did not answer within " + timeout.toMillis() + " ms"), -1);
            }
            return answered(f, t);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state.compareAndSet(0, 2);
            return new Decision(slow(t, "the check was interrupted"), -1);
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "could not check the limits of client token '" + t.name() + "': "
                    + e.getCause().getMessage());
            return new Decision(slow(t, "the database failed (" + e.getCause().getClass().getSimpleName() + ")"), -1);
        }
    }

    private Decision answered(Future<Decision> f, StoredToken t) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Decision(slow(t, "the check was interrupted"), -1);
        } catch (ExecutionException e) {
            return new Decision(slow(t, "the database failed (" + e.getCause().getClass().getSimpleName() + ")"), -1);
        }
    }

    private static Refusal slow(StoredToken t, String why) {
        return new Refusal(ApiError.unavailable("could not check the limits of client token '" + t.name() + "': " + why
                + "; requests of a token with limits are refused until its limits can be checked; retry in a moment"), 1);
    }

    /** On a pool thread: the budget (a read), then the rate window (one atomic count, taken back when over). */
    private Decision decide(StoredToken t) {
        TokenLimits l = t.limits();
        Instant now = clock.instant();
        if (l.budgetMicros() > 0) {
            Instant start = l.period().start(now);
            long spent = meter.spent(t.id(), start.toEpochMilli());
            if (spent >= l.budgetMicros()) {
                return new Decision(new Refusal(ApiError.permission("client token '" + t.name() + "' has spent "
                        + TokenLimits.dollars(spent) + " of its " + (l.period() == TokenLimits.Period.DAY ? "daily"
                        : "monthly") + " budget of " + TokenLimits.dollars(l.budgetMicros()) + "; refused until "
                        + l.period().next(start) + " (the budget's next period, UTC)"), 0), -1);
            }
        }
        if (l.rpm() == 0 && l.tpm() == 0) {
            return new Decision(null, -1);
        }
        long nowMs = now.toEpochMilli();
        long minute = TokenMeter.minute(nowMs);
        TokenMeter.Window w = meter.count(t.id(), minute);
        long nextMs = (minute + 1) * 60_000L;
        long retry = Math.max(1, (nextMs - nowMs + 999) / 1000);
        Instant next = Instant.ofEpochMilli(nextMs);
        if (l.rpm() > 0 && w.requests() > l.rpm()) {
            meter.uncount(t.id(), minute);
            return new Decision(new Refusal(new ApiError(429, "rate_limit_error", "client token '" + t.name()
                    + "' is over its limit of " + l.rpm() + " requests per minute; retry after " + retry + " s (at "
                    + next + ")"), retry), -1);
        }
        if (l.tpm() > 0 && w.tokens() >= l.tpm()) {
            meter.uncount(t.id(), minute);
            return new Decision(new Refusal(new ApiError(429, "rate_limit_error", "client token '" + t.name()
                    + "' used " + w.tokens() + " tokens this minute, over its limit of " + l.tpm() + " per minute; "
                    + "retry after " + retry + " s (at " + next + ")"), retry), -1);
        }
        return new Decision(null, minute);
    }

    /**
     * Adds what a finished request cost and the tokens it used; the request's thread waits up to
     * the timeout, so that the next request of the same client sees it.
     */
    void charge(StoredToken t, RequestRecord r) {
        Future<?> f;
        try {
            f = pool.submit(() -> {
                long nowMs = clock.millis();
                Instant start = t.limits().period().start(Instant.ofEpochMilli(nowMs));
                Usage u = r.usage() == null ? Usage.NONE : r.usage();
                // cache reads are not counted against a token rate, as Anthropic's input limits do not count them
                long tokens = u.input() + u.output() + u.cacheWrite5m() + u.cacheWrite1h();
                long minute = TokenMeter.minute(nowMs);
                meter.charge(t.id(), start.toEpochMilli(), cost(r), minute, tokens);
                prune(minute);
            });
        } catch (RejectedExecutionException e) {
            LOG.warning("could not charge a request of client token '" + t.name() + "': "
                    + (pool.isShutdown() ? "the server is stopping" : "the limits' queue is full"));
            return;
        }
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // it is still written, later
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "could not charge a request of client token '" + t.name() + "': "
                    + e.getCause().getMessage());
        }
    }

    /** The request's cost by the same price table and function as its log row (0 when unpriced). */
    private long cost(RequestRecord r) {
        long now = System.nanoTime();
        if (table == null || now - tableCheckedNanos > 1_000_000_000L) {
            long v = prices.version();
            if (v != tableVersion || table == null) {
                table = prices.table();
                tableVersion = v;
            }
            tableCheckedNanos = now;
        }
        Cost c = Cost.of(r, table);
        return c.priced() ? c.micros() : 0;
    }

    private void prune(long minute) {
        if (minute != prunedMinute) {
            prunedMinute = minute;
            meter.pruneWindows(minute - KEEP_MINUTES);
        }
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
