package dev.codeproxy.store.usage;

import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.store.Database;
import dev.codeproxy.store.Query;
import dev.codeproxy.store.Rows;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The usage reports ({@code code-proxy usage}, the Sessions page, the status line), read from the
 * session and usage tables, which the log writer keeps beside the request log and never prunes.
 * Days and months are in the clock's zone; hours are UTC hours, so in a zone with a half-hour
 * offset an hour counts for the day it starts in.
 */
public final class UsageQueries {
    public static final long HOUR_MS = 3_600_000L;
    /** Length of a usage block: 5 hours. */
    public static final long BLOCK_MS = 5 * HOUR_MS;

    private static final String SUMS = "sum(requests) AS requests, sum(input_tokens) AS input_tokens, "
            + "sum(output_tokens) AS output_tokens, sum(cache_write_5m_tokens) AS cache_write_5m_tokens, "
            + "sum(cache_write_1h_tokens) AS cache_write_1h_tokens, sum(cache_read_tokens) AS cache_read_tokens, "
            + "sum(cost_micros) AS cost_micros";

    private final Query db;
    private final Clock clock;

    public UsageQueries(Database database, Clock clock) {
        this.db = new Query(database);
        this.clock = clock;
    }

    public ZoneId zone() {
        return clock.getZone();
    }

    /** One row per day with requests in [since, until] (either may be null: open), oldest first. */
    public List<PeriodUsage> daily(LocalDate since, LocalDate until) {
        return periods(since, until, h -> LocalDate.ofInstant(Instant.ofEpochMilli(h), zone()).toString());
    }

    /** One row per month with requests in [since, until] (days, either may be null), oldest first. */
    public List<PeriodUsage> monthly(LocalDate since, LocalDate until) {
        return periods(since, until, h -> YearMonth.from(LocalDate.ofInstant(Instant.ofEpochMilli(h), zone())).toString());
    }

    private List<PeriodUsage> periods(LocalDate since, LocalDate until, Function<Long, String> key) {
        final class Acc {
            long requests;
            long unpriced;
            final Map<String, long[]> models = new LinkedHashMap<>();
        }
        TreeMap<String, Acc> out = new TreeMap<>();
        try (var rows = db.query("SELECT hour_start, model, unpriced, " + SUMS.replace("sum(", "(")
                + " FROM usage_hourly WHERE hour_start >= ? AND hour_start < ? ORDER BY hour_start",
                from(since), to(until))) {
            rows.forEach(r -> {
                Acc a = out.computeIfAbsent(key.apply(Rows.lng(r, "hour_start")), k -> new Acc());
                a.requests += Rows.lng(r, "requests");
                a.unpriced += Rows.lng(r, "unpriced");
                add(a.models.computeIfAbsent(Rows.text(r, "model"), k -> new long[7]), r);
            });
        }
        List<PeriodUsage> list = new ArrayList<>();
        out.forEach((period, a) -> {
            List<ModelUsage> models = models(a.models);
            list.add(new PeriodUsage(period, a.requests, sumTokens(models), models.stream()
                    .mapToLong(ModelUsage::costMicros).sum(), a.unpriced, models));
        });
        return list;
    }

    /** Sessions whose latest request was in [since, until] (days, either may be null), latest first. */
    public List<SessionUsage> sessions(LocalDate since, LocalDate until) {
        return sessions("WHERE last_at >= ? AND last_at < ? ORDER BY last_at DESC", from(since), to(until));
    }

    /** The newest {@code limit} sessions. */
    public List<SessionUsage> recentSessions(int limit) {
        return sessions("ORDER BY last_at DESC LIMIT ?", (long) limit);
    }

    public Optional<SessionUsage> session(String id) {
        List<SessionUsage> l = sessions("WHERE session_id = ?", id);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
    }

    private List<SessionUsage> sessions(String where, Object... params) {
        List<Query.Row> rows = new ArrayList<>();
        try (var rs = db.query("SELECT * FROM sessions " + where, params)) {
            rs.forEach(rows::add);
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, long[]>> models = new LinkedHashMap<>();
        StringBuilder in = new StringBuilder();
        List<Object> ids = new ArrayList<>();
        for (Query.Row r : rows) {
            in.append(in.isEmpty() ? "?" : ", ?");
            ids.add(Rows.text(r, "session_id"));
        }
        try (var rs = db.query("SELECT session_id, model, " + SUMS.replace("sum(", "(")
                + " FROM session_models WHERE session_id IN (" + in + ")", ids.toArray())) {
            rs.forEach(r -> add(models.computeIfAbsent(Rows.text(r, "session_id"), k -> new LinkedHashMap<>())
                    .computeIfAbsent(Rows.text(r, "model"), k -> new long[7]), r));
        }
        List<SessionUsage> out = new ArrayList<>();
        for (Query.Row r : rows) {
            String id = Rows.text(r, "session_id");
            String eps = Rows.text(r, "endpoints");
            out.add(new SessionUsage(id, Rows.text(r, "project"), Rows.lng(r, "first_at"), Rows.lng(r, "last_at"),
                    Rows.lng(r, "requests"), Rows.lng(r, "errors"), Rows.lng(r, "failed_over"), tokens(r),
                    Rows.lng(r, "cost_micros"), Rows.lng(r, "unpriced"), Rows.lng(r, "endpoint_switches"),
                    Rows.lng(r, "failover_cache_write_tokens"), Rows.lng(r, "failover_cost_micros"),
                    Rows.text(r, "last_endpoint"), eps.isEmpty() ? List.of() : Arrays.asList(eps.split(",")),
                    models(models.getOrDefault(id, Map.of()))));
        }
        return out;
    }

    /**
     * A session's requests still in the log, oldest first, each marked when its endpoint differs
     * from the previous served one (the first request in the list is compared with nothing).
     */
    public List<SessionRequest> timeline(String sessionId, int limit) {
        List<SessionRequest> out = new ArrayList<>();
        try (var rs = db.query("SELECT * FROM (SELECT id, started_at, model, sent_model, endpoint, status, "
                + "outcome, attempts, total_ms, input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, "
                + "cache_read_tokens, cost_micros FROM requests WHERE session_id = ? ORDER BY id DESC LIMIT ?) "
                + "AS recent ORDER BY started_at, id", sessionId, (long) limit)) {
            String[] last = {""};
            rs.forEach(r -> {
                String outcome = Rows.text(r, "outcome");
                String endpoint = Rows.text(r, "endpoint");
                boolean served = outcome.equals("success") || outcome.equals("failed_over");
                boolean switched = served && !last[0].isEmpty() && !last[0].equals(endpoint);
                if (served) {
                    last[0] = endpoint;
                }
                String sent = Rows.text(r, "sent_model");
                out.add(new SessionRequest(Rows.lng(r, "id"), Rows.lng(r, "started_at"),
                        sent.isEmpty() ? Rows.text(r, "model") : sent, endpoint, Rows.integer(r, "status"), outcome,
                        Rows.integer(r, "attempts"), Rows.lng(r, "total_ms"), tokens(r), Rows.lng(r, "cost_micros"),
                        switched));
            });
        }
        return out;
    }

    /**
     * The 5-hour blocks with requests in [since, until] (days, either may be null), oldest first.
     * A block starts at the UTC hour of the first request after the previous block ended and
     * ends {@link #BLOCK_MS} later; it is active while now is before its end and its last request
     * is less than 5 hours old. Hour aggregates are exact for this: a block starts on an hour, so
     * a whole hour is inside or outside it.
     */
    public List<Block> blocks(LocalDate since, LocalDate until) {
        final class Acc {
            long start;
            long firstAt = Long.MAX_VALUE;
            long lastAt;
            long requests;
            final long[] sums = new long[7];
            final LinkedHashSet<String> models = new LinkedHashSet<>();
        }
        List<Acc> accs = new ArrayList<>();
        try (var rows = db.query("SELECT hour_start, model, first_at, last_at, "
                + SUMS.replace("sum(", "(") + " FROM usage_hourly WHERE hour_start >= ? AND hour_start < ? "
                + "ORDER BY hour_start, model", chainStart(from(since)), to(until))) {
            rows.forEach(r -> {
                long hour = Rows.lng(r, "hour_start");
                Acc a = accs.isEmpty() ? null : accs.getLast();
                if (a == null || hour >= a.start + BLOCK_MS) {
                    a = new Acc();
                    a.start = hour;
                    accs.add(a);
                }
                a.firstAt = Math.min(a.firstAt, Rows.lng(r, "first_at"));
                a.lastAt = Math.max(a.lastAt, Rows.lng(r, "last_at"));
                a.requests += Rows.lng(r, "requests");
                add(a.sums, r);
                String m = Rows.text(r, "model");
                if (!m.isEmpty()) {
                    a.models.add(m);
                }
            });
        }
        long now = clock.millis();
        long lo = from(since);
        List<Block> out = new ArrayList<>();
        for (Acc a : accs) {
            if (a.start + BLOCK_MS <= lo) {
                continue; // a block that ended before the range (read only to place the first block right)
            }
            Usage t = new Usage(a.sums[1], a.sums[2], a.sums[3], a.sums[4], a.sums[5]);
            long cost = a.sums[6];
            long end = a.start + BLOCK_MS;
            boolean active = now < end && now - a.lastAt < BLOCK_MS;
            Block.BurnRate burn = null;
            Block.Projection projection = null;
            if (active) {
                long total = total(t);
                double minutes = Math.max(1, (now - a.firstAt) / 60_000.0);
                double perMinute = total / minutes;
                long costPerHour = Math.round(cost / minutes * 60);
                long remaining = Math.max(0, (end - now) / 60_000);
                burn = new Block.BurnRate(Math.round(perMinute * 100) / 100.0, costPerHour);
                projection = new Block.Projection(total + Math.round(perMinute * remaining),
                        cost + Math.round(cost / minutes * remaining), remaining);
            }
            out.add(new Block(a.start, end, a.firstAt, a.lastAt, active, a.requests, t, cost, List.copyOf(a.models),
                    burn, projection));
        }
        return out;
    }

    /**
     * Where the chain of blocks that reaches {@code lo} starts: blocks follow each other from the
     * first request on, so the block around {@code lo} depends on earlier hours, back to the last
     * quiet stretch of 5 hours or more (after it, the next active hour starts a block, whatever
     * came before). 0 (all history) when there is none within the last 2,000 active hours.
     */
    long chainStart(long lo) {
        if (lo <= 0) {
            return 0;
        }
        long[] next = {lo};
        long[] found = {-1};
        int[] seen = {0};
        try (var rows = db.query("SELECT DISTINCT hour_start FROM usage_hourly WHERE hour_start < ? "
                + "ORDER BY hour_start DESC LIMIT 2000", lo)) {
            rows.forEach(r -> {
                seen[0]++;
                long h = Rows.lng(r, "hour_start");
                if (found[0] < 0 && next[0] - h >= BLOCK_MS) {
                    found[0] = next[0];
                }
                next[0] = h;
            });
        }
        if (found[0] >= 0) {
            return found[0];
        }
        return seen[0] < 2000 ? next[0] : 0;
    }

    /** The active block, if any. */
    public Optional<Block> activeBlock() {
        LocalDate today = LocalDate.now(clock);
        List<Block> b = blocks(today.minusDays(1), today.plusDays(1));
        return b.isEmpty() || !b.getLast().active() ? Optional.empty() : Optional.of(b.getLast());
    }

    /** Cost of today (in the zone) so far, micro-USD. */
    public long todayCostMicros() {
        LocalDate today = LocalDate.now(clock);
        return db.get("SELECT coalesce(sum(cost_micros), 0) AS c FROM usage_hourly WHERE hour_start >= ? "
                + "AND hour_start < ?", from(today), to(today)).map(r -> Rows.lng(r, "c")).orElse(0L);
    }

    public static long total(Usage u) {
        return u.input() + u.output() + u.cacheWrite5m() + u.cacheWrite1h() + u.cacheRead();
    }

    private long from(LocalDate since) {
        return since == null ? 0 : since.atStartOfDay(zone()).toInstant().toEpochMilli();
    }

    private long to(LocalDate until) {
        return until == null ? Long.MAX_VALUE : until.plusDays(1).atStartOfDay(zone()).toInstant().toEpochMilli();
    }

    /** [requests, input, output, write 5m, write 1h, read, cost] += the row's. */
    private static void add(long[] a, Query.Row r) {
        a[0] += Rows.lng(r, "requests");
        a[1] += Rows.lng(r, "input_tokens");
        a[2] += Rows.lng(r, "output_tokens");
        a[3] += Rows.lng(r, "cache_write_5m_tokens");
        a[4] += Rows.lng(r, "cache_write_1h_tokens");
        a[5] += Rows.lng(r, "cache_read_tokens");
        a[6] += Rows.lng(r, "cost_micros");
    }

    private static List<ModelUsage> models(Map<String, long[]> m) {
        List<ModelUsage> out = new ArrayList<>();
        m.forEach((name, a) -> {
            Usage u = new Usage(a[1], a[2], a[3], a[4], a[5]);
            if (a[6] != 0 || total(u) != 0) {
                out.add(new ModelUsage(name, a[0], u, a[6]));
            }
        });
        out.sort(Comparator.comparingLong(ModelUsage::costMicros).reversed().thenComparing(ModelUsage::model));
        return out;
    }

    private static Usage sumTokens(List<ModelUsage> models) {
        long[] s = new long[5];
        for (ModelUsage m : models) {
            s[0] += m.tokens().input();
            s[1] += m.tokens().output();
            s[2] += m.tokens().cacheWrite5m();
            s[3] += m.tokens().cacheWrite1h();
            s[4] += m.tokens().cacheRead();
        }
        return new Usage(s[0], s[1], s[2], s[3], s[4]);
    }

    private static Usage tokens(Query.Row r) {
        return new Usage(Rows.lng(r, "input_tokens"), Rows.lng(r, "output_tokens"), Rows.lng(r, "cache_write_5m_tokens"),
                Rows.lng(r, "cache_write_1h_tokens"), Rows.lng(r, "cache_read_tokens"));
    }
}
