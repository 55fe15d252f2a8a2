package dev.codeproxy.store.log;

import dev.codeproxy.store.Dialect;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What one batch adds to the session and usage tables ({@code sessions}, {@code session_models},
 * {@code usage_hourly}), in the batch's transaction, so they equal the sums of the rows they came
 * from and survive log retention like {@code stats_hourly}.
 *
 * <p>The cost of failover: a served request whose endpoint differs from the one that served the
 * session's previous served request switched endpoints; its cache writes rebuilt a prompt cache
 * the old endpoint still held, so they (tokens, and their share of the cost) are counted as the
 * session's failover cost.
 */
final class UsageAggregates {
    /** Endpoint names kept in {@code sessions.endpoints}. */
    static final int MAX_ENDPOINTS = 16;

    private UsageAggregates() {
    }

    private static final class Sums {
        long requests;
        long errors;
        long failedOver;
        final TokenSums tokens = new TokenSums();
        long firstAt = Long.MAX_VALUE;
        long lastAt = Long.MIN_VALUE;

        void add(LogRow r, long end) {
            requests++;
            if (!Aggregates.served(r.outcome)) {
                errors++;
            }
            if (r.outcome.equals("failed_over")) {
                failedOver++;
            }
            tokens.add(r);
            firstAt = Math.min(firstAt, r.startedAt);
            lastAt = Math.max(lastAt, end);
        }
    }

    private static final class Session {
        final Sums sums = new Sums();
        String project = "";
        String lastEndpoint = "";
        LinkedHashSet<String> endpoints = new LinkedHashSet<>();
        long switches;
        long failoverTokens;
        long failoverCost;
    }

    private record HourModel(long hour, String model) {
    }

    private record SessionModel(String session, String model) {
    }

    static final String UPSERT_HOURLY = """
            INSERT INTO usage_hourly(hour_start, model, requests, input_tokens, output_tokens, cache_write_5m_tokens,
                cache_write_1h_tokens, cache_read_tokens, cost_micros, unpriced, first_at, last_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(hour_start, model) DO UPDATE SET
                requests = requests + excluded.requests,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                cache_write_5m_tokens = cache_write_5m_tokens + excluded.cache_write_5m_tokens,
                cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens,
                cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                cost_micros = cost_micros + excluded.cost_micros,
                unpriced = unpriced + excluded.unpriced,
                first_at = min(first_at, excluded.first_at),
                last_at = max(last_at, excluded.last_at)""";

    static final String UPSERT_SESSION_MODEL = """
            INSERT INTO session_models(session_id, model, requests, input_tokens, output_tokens, cache_write_5m_tokens,
                cache_write_1h_tokens, cache_read_tokens, cost_micros)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(session_id, model) DO UPDATE SET
                requests = requests + excluded.requests,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                cache_write_5m_tokens = cache_write_5m_tokens + excluded.cache_write_5m_tokens,
                cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens,
                cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                cost_micros = cost_micros + excluded.cost_micros""";

    static final String UPSERT_SESSION = """
            INSERT INTO sessions(session_id, project, first_at, last_at, requests, errors, failed_over, input_tokens,
                output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, cost_micros, unpriced,
                endpoint_switches, failover_cache_write_tokens, failover_cost_micros, last_endpoint, endpoints)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(session_id) DO UPDATE SET
                project = CASE WHEN project = '' THEN excluded.project ELSE project END,
                first_at = min(first_at, excluded.first_at),
                last_at = max(last_at, excluded.last_at),
                requests = requests + excluded.requests,
                errors = errors + excluded.errors,
                failed_over = failed_over + excluded.failed_over,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                cache_write_5m_tokens = cache_write_5m_tokens + excluded.cache_write_5m_tokens,
                cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens,
                cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                cost_micros = cost_micros + excluded.cost_micros,
                unpriced = unpriced + excluded.unpriced,
                endpoint_switches = endpoint_switches + excluded.endpoint_switches,
                failover_cache_write_tokens = failover_cache_write_tokens + excluded.failover_cache_write_tokens,
                failover_cost_micros = failover_cost_micros + excluded.failover_cost_micros,
                last_endpoint = excluded.last_endpoint,
                endpoints = excluded.endpoints""";

    /** PostgreSQL: last endpoint and endpoints of the stored sessions among {@code rows}', by session id. */
    private static Map<String, String[]> storedSessions(Statements st, List<LogRow> rows) throws SQLException {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (LogRow r : rows) {
            if (!r.sessionId.isEmpty()) {
                ids.add(r.sessionId);
            }
        }
        Map<String, String[]> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        PreparedStatement p = st.get("SELECT session_id, last_endpoint, endpoints FROM sessions WHERE session_id = ANY(?)");
        p.setArray(1, st.connection().createArrayOf("text", ids.toArray()));
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
            }
        }
        return out;
    }

    /** Adds the batch's rows (in the order they are written) to the session and usage tables. */
    static void write(Statements st, List<LogRow> rows) throws SQLException {
        Map<HourModel, Sums> hours = new HashMap<>();
        Map<SessionModel, Sums> models = new LinkedHashMap<>();
        Map<String, Session> sessions = new LinkedHashMap<>();
        List<LogRow> ordered = new ArrayList<>(rows);
        ordered.sort((a, b) -> a.startedAt != b.startedAt ? Long.compare(a.startedAt, b.startedAt)
                : Long.compare(a.id, b.id));
        // PostgreSQL: the batch's sessions as stored, read in one round trip (SQLite reads each as
        // it comes: a lookup in the same process costs less than building the array)
        Map<String, String[]> stored = st.dialect() == Dialect.POSTGRES ? storedSessions(st, ordered) : null;
        PreparedStatement known = st.get("SELECT last_endpoint, endpoints FROM sessions WHERE session_id = ?");
        for (LogRow r : ordered) {
            long end = r.startedAt + Math.max(0, r.totalMs);
            hours.computeIfAbsent(new HourModel(Aggregates.hourStart(r.startedAt), r.billedModel), k -> new Sums())
                    .add(r, r.startedAt);
            if (r.sessionId.isEmpty()) {
                continue;
            }
            Session s = sessions.get(r.sessionId);
            if (s == null) {
                s = new Session();
                if (stored != null) {
                    String[] was = stored.get(r.sessionId);
                    if (was != null) {
                        s.lastEndpoint = was[0];
                        for (String e : was[1].split(",")) {
                            if (!e.isEmpty()) {
                                s.endpoints.add(e);
                            }
                        }
                    }
                } else {
                    known.setString(1, r.sessionId);
                    try (ResultSet rs = known.executeQuery()) {
                        if (rs.next()) {
                            s.lastEndpoint = rs.getString(1);
                            for (String e : rs.getString(2).split(",")) {
                                if (!e.isEmpty()) {
                                    s.endpoints.add(e);
                                }
                            }
                        }
                    }
                }
                sessions.put(r.sessionId, s);
            }
            s.sums.add(r, end);
            if (s.project.isEmpty() && !r.project.isEmpty()) {
                s.project = r.project;
            }
            if (Aggregates.served(r.outcome) && !r.endpoint.isEmpty()) {
                if (!s.lastEndpoint.isEmpty() && !s.lastEndpoint.equals(r.endpoint)) {
                    s.switches++;
                    s.failoverTokens += r.usage.cacheWrite5m() + r.usage.cacheWrite1h();
                    s.failoverCost += r.cacheWriteCostMicros;
                }
                s.lastEndpoint = r.endpoint;
                if (s.endpoints.size() < MAX_ENDPOINTS) {
                    s.endpoints.add(r.endpoint.replace(",", " "));
                }
            }
            models.computeIfAbsent(new SessionModel(r.sessionId, r.billedModel), k -> new Sums()).add(r, end);
        }
        PreparedStatement hourly = st.upsert(UPSERT_HOURLY);
        for (Map.Entry<HourModel, Sums> e : hours.entrySet()) {
            Sums s = e.getValue();
            int i = 1;
            hourly.setLong(i++, e.getKey().hour());
            hourly.setString(i++, e.getKey().model());
            i = tokens(hourly, i, s);
            hourly.setLong(i++, s.tokens.unpriced);
            hourly.setLong(i++, s.firstAt);
            hourly.setLong(i, s.lastAt);
            hourly.addBatch();
        }
        hourly.executeBatch();
        if (sessions.isEmpty()) {
            return;
        }
        PreparedStatement perModel = st.upsert(UPSERT_SESSION_MODEL);
        for (Map.Entry<SessionModel, Sums> e : models.entrySet()) {
            int i = 1;
            perModel.setString(i++, e.getKey().session());
            perModel.setString(i++, e.getKey().model());
            tokens(perModel, i, e.getValue());
            perModel.addBatch();
        }
        perModel.executeBatch();
        PreparedStatement session = st.upsert(UPSERT_SESSION);
        for (Map.Entry<String, Session> e : sessions.entrySet()) {
            Session s = e.getValue();
            Sums m = s.sums;
            int i = 1;
            session.setString(i++, e.getKey());
            session.setString(i++, s.project);
            session.setLong(i++, m.firstAt);
            session.setLong(i++, m.lastAt);
            session.setLong(i++, m.requests);
            session.setLong(i++, m.errors);
            session.setLong(i++, m.failedOver);
            i = m.tokens.bind(session, i);
            session.setLong(i++, m.tokens.unpriced);
            session.setLong(i++, s.switches);
            session.setLong(i++, s.failoverTokens);
            session.setLong(i++, s.failoverCost);
            session.setString(i++, s.lastEndpoint);
            session.setString(i, String.join(",", s.endpoints));
            session.addBatch();
        }
        session.executeBatch();
    }

    /** requests, the five token kinds and the cost, from parameter {@code i}; returns the next index. */
    private static int tokens(PreparedStatement p, int i, Sums s) throws SQLException {
        p.setLong(i++, s.requests);
        return s.tokens.bind(p, i);
    }
}
