package dev.codeproxy.store.log;

import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.routing.FailureClass;
import dev.codeproxy.store.stats.Histogram;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * The sums one batch adds to {@code stats_hourly} and {@code stats_daily}, written in the
 * batch's transaction so that aggregates always equal the sums of the rows they came from.
 */
final class Aggregates {
    static final long HOUR_MS = 3_600_000L;

    record HourKey(long hourStart, String endpoint, String model, String sentModel) {
    }

    static final class Sums {
        long requests;
        long success;
        long failedOver;
        long clientError;
        long upstreamError;
        long stream;
        long attempts;
        long attemptFailures;
        final TokenSums tokens = new TokenSums();
        long totalSum;
        long totalMax;
        long firstTokenSum;
        long firstTokenMax;
        final Histogram total = new Histogram();
        final Histogram firstToken = new Histogram();

        void add(LogRow r) {
            requests++;
            switch (r.outcome) {
                case "success" -> success++;
                case "failed_over" -> failedOver++;
                case "client_error" -> clientError++;
                default -> upstreamError++;
            }
            if (r.stream) {
                stream++;
            }
            tokens.add(r);
            if (served(r.outcome)) {
                long t = Math.max(0, r.totalMs);
                total.add(t);
                totalSum += t;
                totalMax = Math.max(totalMax, t);
                if (r.firstTokenMs >= 0) {
                    firstToken.add(r.firstTokenMs);
                    firstTokenSum += r.firstTokenMs;
                    firstTokenMax = Math.max(firstTokenMax, r.firstTokenMs);
                }
            }
        }
    }

    /** Sums per hour and route (stats_route_hourly). */
    record RouteKey(long hourStart, String route) {
    }

    private final Map<RouteKey, Sums> routes = new HashMap<>();
    private final Map<HourKey, Sums> hours = new HashMap<>();
    private final Map<String, Sums> days = new HashMap<>();

    static boolean served(String outcome) {
        return outcome.equals("success") || outcome.equals("failed_over");
    }

    /**
     * True when an attempt failed because of the endpoint: not {@code ok}, not the client
     * leaving, and not a 4xx that any endpoint would have given (the request was wrong).
     */
    static boolean endpointFailure(AttemptRecord a) {
        String o = a.outcome();
        if (o.equals("ok") || o.equals("client_closed")) {
            return false;
        }
        if (o.startsWith("http_")) {
            return FailureClass.ofStatus(a.status()) != FailureClass.CLIENT;
        }
        return true;
    }

    static long hourStart(long epochMs) {
        return Math.floorDiv(epochMs, HOUR_MS) * HOUR_MS;
    }

    void add(LogRow r, ZoneId zone) {
        long hour = hourStart(r.startedAt);
        hours.computeIfAbsent(new HourKey(hour, r.endpoint, r.model, r.sentModel), k -> new Sums()).add(r);
        String day = LocalDate.ofInstant(Instant.ofEpochMilli(r.startedAt), zone).toString();
        days.computeIfAbsent(day, k -> new Sums()).add(r);
        if (!r.route.isEmpty()) {
            routes.computeIfAbsent(new RouteKey(hour, r.route), k -> new Sums()).add(r);
        }
        for (AttemptRecord a : r.attemptList) {
            Sums s = hours.computeIfAbsent(new HourKey(hour, a.endpoint(), r.model, a.sentModel()), k -> new Sums());
            s.attempts++;
            if (endpointFailure(a)) {
                s.attemptFailures++;
            }
        }
    }

    boolean isEmpty() {
        return hours.isEmpty() && days.isEmpty() && routes.isEmpty();
    }

    void clear() {
        hours.clear();
        days.clear();
        routes.clear();
    }

    static final String UPSERT_HOURLY = """
            INSERT INTO stats_hourly(hour_start, endpoint, model, sent_model, requests, success, failed_over, client_error,
                upstream_error, stream, attempts, attempt_failures, input_tokens, output_tokens, cache_write_5m_tokens,
                cache_write_1h_tokens, cache_read_tokens, cost_micros, unpriced, total_ms_sum, total_ms_max, total_hist,
                first_token_ms_sum, first_token_ms_max, first_token_hist)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(hour_start, endpoint, model, sent_model) DO UPDATE SET
                requests = requests + excluded.requests,
                success = success + excluded.success,
                failed_over = failed_over + excluded.failed_over,
                client_error = client_error + excluded.client_error,
                upstream_error = upstream_error + excluded.upstream_error,
                stream = stream + excluded.stream,
                attempts = attempts + excluded.attempts,
                attempt_failures = attempt_failures + excluded.attempt_failures,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                cache_write_5m_tokens = cache_write_5m_tokens + excluded.cache_write_5m_tokens,
                cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens,
                cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                cost_micros = cost_micros + excluded.cost_micros,
                unpriced = unpriced + excluded.unpriced,
                total_ms_sum = total_ms_sum + excluded.total_ms_sum,
                total_ms_max = max(total_ms_max, excluded.total_ms_max),
                total_hist = CASE WHEN excluded.total_hist = '' THEN total_hist ELSE excluded.total_hist END,
                first_token_ms_sum = first_token_ms_sum + excluded.first_token_ms_sum,
                first_token_ms_max = max(first_token_ms_max, excluded.first_token_ms_max),
                first_token_hist = CASE WHEN excluded.first_token_hist = '' THEN first_token_hist
                                        ELSE excluded.first_token_hist END""";

    static final String UPSERT_ROUTE = """
            INSERT INTO stats_route_hourly(hour_start, route, requests, errors, input_tokens, output_tokens,
                cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, cost_micros, unpriced)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(hour_start, route) DO UPDATE SET
                requests = requests + excluded.requests,
                errors = errors + excluded.errors,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                cache_write_5m_tokens = cache_write_5m_tokens + excluded.cache_write_5m_tokens,
                cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens,
                cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                cost_micros = cost_micros + excluded.cost_micros,
                unpriced = unpriced + excluded.unpriced""";

    static final String SELECT_HISTS = "SELECT total_hist, first_token_hist FROM stats_hourly "
            + "WHERE hour_start = ? AND endpoint = ? AND model = ? AND sent_model = ?";

    static final String UPSERT_DAILY = """
            INSERT INTO stats_daily(day, requests, success, failed_over, client_error, upstream_error, input_tokens,
                output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, cost_micros, unpriced)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(day) DO UPDATE SET
                requests = requests + excluded.requests,
                success = success + excluded.success,
                failed_over = failed_over + excluded.failed_over,
                client_error = client_error + excluded.client_error,
                upstream_error = upstream_error + excluded.upstream_error,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                cache_write_5m_tokens = cache_write_5m_tokens + excluded.cache_write_5m_tokens,
                cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens,
                cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                cost_micros = cost_micros + excluded.cost_micros,
                unpriced = unpriced + excluded.unpriced""";

    /**
     * Adds this batch's sums. Histograms are merged with the stored ones, read from {@code known}
     * (what this writer last stored for a key; it is their only writer) or else from the table.
     * Returns the histograms as now written, for {@code known} once the transaction commits.
     */
    Map<HourKey, String[]> write(Statements st, Map<HourKey, String[]> known) throws SQLException {
        Map<HourKey, String[]> stored = new HashMap<>();
        PreparedStatement sel = st.get(SELECT_HISTS);
        PreparedStatement up = st.upsert(UPSERT_HOURLY);
        PreparedStatement day = st.upsert(UPSERT_DAILY);
        for (Map.Entry<HourKey, Sums> e : hours.entrySet()) {
            HourKey k = e.getKey();
            Sums s = e.getValue();
            // '' leaves the stored histogram as it is (see UPSERT_HOURLY)
            String totalEnc = "";
            String firstEnc = "";
            if (!s.total.isEmpty() || !s.firstToken.isEmpty()) {
                String[] before = known.get(k);
                if (before != null) {
                    s.total.addEncoded(before[0]);
                    s.firstToken.addEncoded(before[1]);
                } else {
                    sel.setLong(1, k.hourStart());
                    sel.setString(2, k.endpoint());
                    sel.setString(3, k.model());
                    sel.setString(4, k.sentModel());
                    try (ResultSet rs = sel.executeQuery()) {
                        if (rs.next()) {
                            s.total.addEncoded(rs.getString(1));
                            s.firstToken.addEncoded(rs.getString(2));
                        }
                    }
                }
                totalEnc = s.total.encode();
                firstEnc = s.firstToken.encode();
                stored.put(k, new String[] {totalEnc, firstEnc});
            }
            int i = 1;
            up.setLong(i++, k.hourStart());
            up.setString(i++, k.endpoint());
            up.setString(i++, k.model());
            up.setString(i++, k.sentModel());
            up.setLong(i++, s.requests);
            up.setLong(i++, s.success);
            up.setLong(i++, s.failedOver);
            up.setLong(i++, s.clientError);
            up.setLong(i++, s.upstreamError);
            up.setLong(i++, s.stream);
            up.setLong(i++, s.attempts);
            up.setLong(i++, s.attemptFailures);
            i = s.tokens.bind(up, i);
            up.setLong(i++, s.tokens.unpriced);
            up.setLong(i++, s.totalSum);
            up.setLong(i++, s.totalMax);
            up.setString(i++, totalEnc);
            up.setLong(i++, s.firstTokenSum);
            up.setLong(i++, s.firstTokenMax);
            up.setString(i, firstEnc);
            up.addBatch();
        }
        up.executeBatch();
        for (Map.Entry<String, Sums> e : days.entrySet()) {
            Sums s = e.getValue();
            int i = 1;
            day.setString(i++, e.getKey());
            day.setLong(i++, s.requests);
            day.setLong(i++, s.success);
            day.setLong(i++, s.failedOver);
            day.setLong(i++, s.clientError);
            day.setLong(i++, s.upstreamError);
            i = s.tokens.bind(day, i);
            day.setLong(i, s.tokens.unpriced);
            day.addBatch();
        }
        day.executeBatch();
        if (!routes.isEmpty()) {
            PreparedStatement rt = st.upsert(UPSERT_ROUTE);
            for (Map.Entry<RouteKey, Sums> e : routes.entrySet()) {
                Sums s = e.getValue();
                int i = 1;
                rt.setLong(i++, e.getKey().hourStart());
                rt.setString(i++, e.getKey().route());
                rt.setLong(i++, s.requests);
                rt.setLong(i++, s.clientError + s.upstreamError);
                i = s.tokens.bind(rt, i);
                rt.setLong(i, s.tokens.unpriced);
                rt.addBatch();
            }
            rt.executeBatch();
        }
        return stored;
    }
}
