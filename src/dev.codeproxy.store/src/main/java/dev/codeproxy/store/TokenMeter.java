package dev.codeproxy.store;

import io.helidon.dbclient.DbClient;

import java.time.Instant;

/**
 * What limited client tokens used, kept in the database so that every instance sharing it sees
 * one budget and one rate window: spend per (token, budget period) and requests and tokens per
 * (token, UTC minute). Every change is one atomic statement ({@code INSERT ... ON CONFLICT DO
 * UPDATE ... RETURNING}, accepted by SQLite 3.35+ and PostgreSQL alike), never a read followed
 * by a write, so concurrent requests on any instance cannot both take the last unit.
 *
 * <p>Every method is a database call: callers on the proxy path run them off the request's
 * virtual thread (see the admin module's token gate).
 */
public final class TokenMeter {
    /** Requests and tokens counted in one minute. */
    public record Window(long requests, long tokens) {
        public static final Window EMPTY = new Window(0, 0);
    }

    /**
     * A token's use as the dashboard and {@code token list} show it.
     *
     * @param spentMicros spend in the current budget period
     * @param periodStart start of the current period (UTC)
     * @param periodEnd   when it resets
     * @param requests    requests admitted this minute
     * @param tokens      tokens used this minute
     */
    public record Usage(long spentMicros, Instant periodStart, Instant periodEnd, long requests, long tokens) {
    }

    private final DbClient db;

    public TokenMeter(DbClient db) {
        this.db = db;
    }

    public TokenMeter(Database database) {
        this(database.client());
    }

    /** The minute (epoch milliseconds / 60 000) that holds {@code epochMs}. */
    public static long minute(long epochMs) {
        return Math.floorDiv(epochMs, 60_000L);
    }

    /**
     * Counts one request in the token's window for {@code minute} and returns the window as it
     * is after the count (this request included).
     */
    public Window count(long tokenId, long minute) {
        return db.execute().get("INSERT INTO client_token_window(token_id, minute, requests, tokens) VALUES (?, ?, 1, 0) "
                        + "ON CONFLICT (token_id, minute) DO UPDATE SET requests = client_token_window.requests + 1 "
                        + "RETURNING requests, tokens", tokenId, minute)
                .map(r -> new Window(Rows.lng(r, "requests"), Rows.lng(r, "tokens")))
                .orElseThrow(() -> new IllegalStateException("the rate window upsert returned no row"));
    }

    /** Takes back a {@link #count} whose request was refused after all (it did not use the window). */
    public void uncount(long tokenId, long minute) {
        db.execute().update("UPDATE client_token_window SET requests = requests - 1 WHERE token_id = ? AND minute = ? "
                + "AND requests > 0", tokenId, minute);
    }

    /** The token's window for {@code minute} as it is (nothing counted). */
    public Window window(long tokenId, long minute) {
        return db.execute().get("SELECT requests, tokens FROM client_token_window WHERE token_id = ? AND minute = ?",
                        tokenId, minute)
                .map(r -> new Window(Rows.lng(r, "requests"), Rows.lng(r, "tokens")))
                .orElse(Window.EMPTY);
    }

    /** What the token spent, in micro-dollars, in the budget period that starts at {@code periodStartMs}. */
    public long spent(long tokenId, long periodStartMs) {
        return db.execute().get("SELECT spent_micros FROM client_token_spend WHERE token_id = ? AND period_start = ?",
                        tokenId, periodStartMs)
                .map(r -> Rows.lng(r, "spent_micros"))
                .orElse(0L);
    }

    /**
     * Adds what one finished request cost to the token's period and the tokens it used to the
     * token's window for {@code minute}: two atomic upserts in one transaction.
     */
    public void charge(long tokenId, long periodStartMs, long costMicros, long minute, long tokens) {
        Transactions.inTransaction(db, tx -> {
            tx.dml("INSERT INTO client_token_spend(token_id, period_start, spent_micros, requests) VALUES (?, ?, ?, 1) "
                    + "ON CONFLICT (token_id, period_start) DO UPDATE SET spent_micros = "
                    + "client_token_spend.spent_micros + excluded.spent_micros, "
                    + "requests = client_token_spend.requests + 1", tokenId, periodStartMs, costMicros);
            if (tokens > 0) {
                tx.dml("INSERT INTO client_token_window(token_id, minute, requests, tokens) VALUES (?, ?, 0, ?) "
                        + "ON CONFLICT (token_id, minute) DO UPDATE SET tokens = "
                        + "client_token_window.tokens + excluded.tokens", tokenId, minute, tokens);
            }
            return null;
        });
    }

    /** The token's spend in the period that holds {@code now} and its window for the minute that holds it. */
    public Usage usage(long tokenId, TokenLimits limits, Instant now) {
        Instant start = limits.period().start(now);
        long spent = spent(tokenId, start.toEpochMilli());
        Window w = window(tokenId, minute(now.toEpochMilli()));
        return new Usage(spent, start, limits.period().next(start), w.requests(), w.tokens());
    }

    /** Deletes rate windows before {@code minute} (they decide nothing any more); returns how many. */
    public long pruneWindows(long beforeMinute) {
        return db.execute().delete("DELETE FROM client_token_window WHERE minute < ?", beforeMinute);
    }
}
