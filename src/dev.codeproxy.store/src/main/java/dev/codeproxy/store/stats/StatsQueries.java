package dev.codeproxy.store.stats;

import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.store.Database;
import dev.codeproxy.store.Query;
import dev.codeproxy.store.Rows;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Statistics for the dashboard, read from the aggregates (so they cover requests the log has
 * pruned). Day-based answers (summary, daily series, heatmap) use {@code stats_daily}, whose days
 * are in the zone of the {@link dev.codeproxy.store.log.RequestLog}'s clock: give both the same
 * zone. Hour-based answers (hourly series, by model, by endpoint) use UTC hours, so a range start
 * in a zone with a half-hour offset is rounded down to the hour.
 */
public final class StatsQueries {
    /** Longest hourly series (400 days). */
    public static final int MAX_HOURS = 400 * 24;
    /** Longest daily series or heatmap. */
    public static final int MAX_DAYS = 1000;
    private static final long HOUR_MS = 3_600_000L;

    private static final String TOKENS = "coalesce(sum(input_tokens), 0) AS input_tokens, "
            + "coalesce(sum(output_tokens), 0) AS output_tokens, "
            + "coalesce(sum(cache_write_5m_tokens), 0) AS cache_write_5m_tokens, "
            + "coalesce(sum(cache_write_1h_tokens), 0) AS cache_write_1h_tokens, "
            + "coalesce(sum(cache_read_tokens), 0) AS cache_read_tokens, "
            + "coalesce(sum(cost_micros), 0) AS cost_micros, coalesce(sum(unpriced), 0) AS unpriced";
    private static final String COUNTS = "coalesce(sum(requests), 0) AS requests, coalesce(sum(success), 0) AS success, "
            + "coalesce(sum(failed_over), 0) AS failed_over, coalesce(sum(client_error), 0) AS client_error, "
            + "coalesce(sum(upstream_error), 0) AS upstream_error";

    private final Query db;
    private final Clock clock;

    /** @param clock "today" and the zone of days (use the request log's zone) */
    public StatsQueries(Database database, Clock clock) {
        this.db = new Query(database);
        this.clock = clock;
    }

    public ZoneId zone() {
        return clock.getZone();
    }

    public LocalDate today() {
        return LocalDate.now(clock);
    }

    /**
     * Requests, success rate, failovers, tokens by kind and cost for a range of days (the rolling
     * 24 hours: of hours).
     */
    public Summary summary(StatsRange range) {
        LocalDate first = range.firstDay(today()).orElse(null);
        String from = first == null ? "0000-00-00" : first.toString();
        Query.Row r = range.hourly()
                ? db.get("SELECT " + COUNTS + ", " + TOKENS + " FROM stats_hourly WHERE hour_start >= ?",
                        range.start(clock).toEpochMilli()).orElseThrow()
                : db.get("SELECT " + COUNTS + ", " + TOKENS + " FROM stats_daily WHERE day >= ?", from)
                .orElseThrow();
        long requests = Rows.lng(r, "requests");
        long success = Rows.lng(r, "success");
        long failedOver = Rows.lng(r, "failed_over");
        return new Summary(range, first, requests, success, failedOver, Rows.lng(r, "client_error"),
                Rows.lng(r, "upstream_error"), requests == 0 ? 0 : (double) (success + failedOver) / requests, tokens(r),
                Rows.lng(r, "cost_micros"), Rows.lng(r, "unpriced"));
    }

    /** One point per UTC hour from the hour containing {@code from} up to (not including) {@code to}. */
    public List<SeriesPoint> hourly(Instant from, Instant to) {
        long start = Math.floorDiv(from.toEpochMilli(), HOUR_MS) * HOUR_MS;
        long end = to.toEpochMilli();
        long hours = Math.max(0, (end - start + HOUR_MS - 1) / HOUR_MS);
        if (hours > MAX_HOURS) {
            throw new IllegalArgumentException("hourly series of " + hours + " hours asked for; at most " + MAX_HOURS
                    + " (use the daily series)");
        }
        Map<Long, Query.Row> byHour = new HashMap<>();
        try (var rows = db.query("SELECT hour_start, " + COUNTS + ", " + TOKENS + " FROM stats_hourly "
                + "WHERE hour_start >= ? AND hour_start < ? GROUP BY hour_start", start, end)) {
            rows.forEach(r -> byHour.put(Rows.lng(r, "hour_start"), r));
        }
        List<SeriesPoint> out = new ArrayList<>((int) hours);
        for (long h = start; h < end; h += HOUR_MS) {
            out.add(point(Instant.ofEpochMilli(h), byHour.get(h)));
        }
        return out;
    }

    /** One point per day (in the stats zone) from {@code from} to {@code to}, both included. */
    public List<SeriesPoint> daily(LocalDate from, LocalDate to) {
        checkDays(from, to);
        Map<String, Query.Row> byDay = new HashMap<>();
        try (var rows = db.query("SELECT day, " + COUNTS + ", " + TOKENS + " FROM stats_daily "
                + "WHERE day >= ? AND day <= ? GROUP BY day", from.toString(), to.toString())) {
            rows.forEach(r -> byDay.put(Rows.str(r, "day"), r));
        }
        List<SeriesPoint> out = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            out.add(point(d.atStartOfDay(zone()).toInstant(), byDay.get(d.toString())));
        }
        return out;
    }

    /**
     * The series a range is shown with: hourly for {@link StatsRange#TODAY} (midnight to the end
     * of the current hour) and {@link StatsRange#LAST_24_HOURS} (24 points, the current hour last),
     * of the current hour), daily otherwise ({@link StatsRange#ALL} from the first day with data).
     */
    public List<SeriesPoint> series(StatsRange range) {
        LocalDate today = today();
        if (range == StatsRange.TODAY || range == StatsRange.LAST_24_HOURS) {
            long now = clock.millis();
            return hourly(range.start(clock), Instant.ofEpochMilli(Math.floorDiv(now, HOUR_MS) * HOUR_MS + HOUR_MS));
        }
        LocalDate first = range.firstDay(today).orElseGet(() -> db.get("SELECT min(day) AS day FROM stats_daily")
                .map(r -> Rows.str(r, "day")).map(LocalDate::parse).orElse(today));
        if (first.isBefore(today.minusDays(MAX_DAYS - 1))) {
            first = today.minusDays(MAX_DAYS - 1);
        }
        return daily(first, today);
    }

    /** Usage by requested and sent model in [from, to) (UTC hours), most expensive first. */
    public List<ModelStats> byModel(Instant from, Instant to) {
        List<ModelStats> out = new ArrayList<>();
        try (var rows = db.query("SELECT model, sent_model, " + COUNTS + ", " + TOKENS + " FROM stats_hourly "
                        + "WHERE hour_start >= ? AND hour_start < ? GROUP BY model, sent_model HAVING sum(requests) > 0 "
                        + "ORDER BY cost_micros DESC, requests DESC, model, sent_model",
                hourFloor(from), to.toEpochMilli())) {
            rows.forEach(r -> out.add(new ModelStats(Rows.str(r, "model"), Rows.str(r, "sent_model"), Rows.lng(r, "requests"),
                    Rows.lng(r, "client_error") + Rows.lng(r, "upstream_error"), Rows.lng(r, "failed_over"), tokens(r),
                    Rows.lng(r, "cost_micros"), Rows.lng(r, "unpriced"))));
        }
        return out;
    }

    /** Requests, tokens and cost per route in [from, to) (UTC hours), most expensive first. */
    public List<RouteStats> byRoute(Instant from, Instant to) {
        List<RouteStats> out = new ArrayList<>();
        try (var rows = db.query("SELECT route, coalesce(sum(requests), 0) AS requests, "
                        + "coalesce(sum(errors), 0) AS errors, " + TOKENS + " FROM stats_route_hourly "
                        + "WHERE hour_start >= ? AND hour_start < ? GROUP BY route HAVING sum(requests) > 0 "
                        + "ORDER BY cost_micros DESC, requests DESC, route",
                hourFloor(from), to.toEpochMilli())) {
            rows.forEach(r -> out.add(new RouteStats(Rows.str(r, "route"), Rows.lng(r, "requests"), Rows.lng(r, "errors"),
                    tokens(r), Rows.lng(r, "cost_micros"), Rows.lng(r, "unpriced"))));
        }
        return out;
    }

    public List<RouteStats> byRoute(StatsRange range) {
        return byRoute(range.start(clock), Instant.ofEpochMilli(Long.MAX_VALUE));
    }

    public List<ModelStats> byModel(StatsRange range) {
        return byModel(range.start(clock), Instant.ofEpochMilli(Long.MAX_VALUE));
    }

    /** Requests, error rates and latency percentiles per endpoint in [from, to) (UTC hours), busiest first. */
    public List<EndpointStats> byEndpoint(Instant from, Instant to) {
        final class Acc {
            long requests;
            long success;
            long failedOver;
            long clientErrors;
            long upstreamErrors;
            long attempts;
            long attemptFailures;
            long totalSum;
            long totalMax;
            long firstSum;
            long firstMax;
            final Histogram total = new Histogram();
            final Histogram first = new Histogram();
        }
        Map<String, Acc> acc = new LinkedHashMap<>();
        try (var rows = db.query("SELECT endpoint, requests, success, failed_over, client_error, upstream_error, "
                        + "attempts, attempt_failures, total_ms_sum, total_ms_max, total_hist, first_token_ms_sum, "
                        + "first_token_ms_max, first_token_hist FROM stats_hourly WHERE hour_start >= ? AND hour_start < ?",
                hourFloor(from), to.toEpochMilli())) {
            rows.forEach(r -> {
                Acc a = acc.computeIfAbsent(Rows.str(r, "endpoint"), k -> new Acc());
                a.requests += Rows.lng(r, "requests");
                a.success += Rows.lng(r, "success");
                a.failedOver += Rows.lng(r, "failed_over");
                a.clientErrors += Rows.lng(r, "client_error");
                a.upstreamErrors += Rows.lng(r, "upstream_error");
                a.attempts += Rows.lng(r, "attempts");
                a.attemptFailures += Rows.lng(r, "attempt_failures");
                a.totalSum += Rows.lng(r, "total_ms_sum");
                a.totalMax = Math.max(a.totalMax, Rows.lng(r, "total_ms_max"));
                a.total.addEncoded(Rows.str(r, "total_hist"));
                a.firstSum += Rows.lng(r, "first_token_ms_sum");
                a.firstMax = Math.max(a.firstMax, Rows.lng(r, "first_token_ms_max"));
                a.first.addEncoded(Rows.str(r, "first_token_hist"));
            });
        }
        List<EndpointStats> out = new ArrayList<>();
        acc.forEach((name, a) -> out.add(new EndpointStats(name, a.requests, a.success, a.failedOver, a.clientErrors,
                a.upstreamErrors, rate(a.clientErrors + a.upstreamErrors, a.requests), a.attempts, a.attemptFailures,
                rate(a.attemptFailures, a.attempts), Latency.of(a.total, a.totalSum, a.totalMax),
                Latency.of(a.first, a.firstSum, a.firstMax))));
        out.sort(Comparator.comparingLong(EndpointStats::requests).reversed().thenComparing(EndpointStats::endpoint));
        return out;
    }

    public List<EndpointStats> byEndpoint(StatsRange range) {
        return byEndpoint(range.start(clock), Instant.ofEpochMilli(Long.MAX_VALUE));
    }

    /** One cell per day from {@code from} to {@code to}, both included (zeros where nothing happened). */
    public List<HeatmapDay> heatmap(LocalDate from, LocalDate to) {
        checkDays(from, to);
        Map<String, HeatmapDay> byDay = new HashMap<>();
        try (var rows = db.query("SELECT day, requests, cost_micros, input_tokens + output_tokens + "
                        + "cache_write_5m_tokens + cache_write_1h_tokens + cache_read_tokens AS tokens FROM stats_daily "
                        + "WHERE day >= ? AND day <= ?", from.toString(), to.toString())) {
            rows.forEach(r -> byDay.put(Rows.str(r, "day"), new HeatmapDay(LocalDate.parse(Rows.str(r, "day")),
                    Rows.lng(r, "tokens"), Rows.lng(r, "requests"), Rows.lng(r, "cost_micros"))));
        }
        List<HeatmapDay> out = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            HeatmapDay h = byDay.get(d.toString());
            out.add(h != null ? h : new HeatmapDay(d, 0, 0, 0));
        }
        return out;
    }

    /** The years (in the stats zone) with at least one request, newest first. */
    public List<Integer> years() {
        List<Integer> out = new ArrayList<>();
        try (var rows = db.query("SELECT DISTINCT substr(day, 1, 4) AS y FROM stats_daily WHERE requests > 0 "
                + "ORDER BY y DESC")) {
            rows.forEach(r -> out.add(Integer.parseInt(Rows.str(r, "y"))));
        }
        return out;
    }

    /** The last 365 days, today included. */
    public List<HeatmapDay> heatmapYear() {
        LocalDate today = today();
        return heatmap(today.minusDays(364), today);
    }

    private static void checkDays(LocalDate from, LocalDate to) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("day range ends (" + to + ") before it starts (" + from + ")");
        }
        if (from.plusDays(MAX_DAYS).isBefore(to.plusDays(1))) {
            throw new IllegalArgumentException("day range " + from + ".." + to + " is longer than " + MAX_DAYS + " days");
        }
    }

    private static long hourFloor(Instant i) {
        return Math.floorDiv(i.toEpochMilli(), HOUR_MS) * HOUR_MS;
    }

    private static double rate(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    private static Usage tokens(Query.Row r) {
        return new Usage(Rows.lng(r, "input_tokens"), Rows.lng(r, "output_tokens"), Rows.lng(r, "cache_write_5m_tokens"),
                Rows.lng(r, "cache_write_1h_tokens"), Rows.lng(r, "cache_read_tokens"));
    }

    private static SeriesPoint point(Instant start, Query.Row r) {
        if (r == null) {
            return new SeriesPoint(start, 0, 0, 0, Usage.NONE, 0);
        }
        return new SeriesPoint(start, Rows.lng(r, "requests"), Rows.lng(r, "client_error") + Rows.lng(r, "upstream_error"),
                Rows.lng(r, "failed_over"), tokens(r), Rows.lng(r, "cost_micros"));
    }
}
