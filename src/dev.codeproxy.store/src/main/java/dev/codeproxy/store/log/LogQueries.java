package dev.codeproxy.store.log;

import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.store.Database;
import dev.codeproxy.store.Dialect;
import dev.codeproxy.store.Query;
import dev.codeproxy.store.Rows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the request log: filtered pages (newest first, cursor by id) and one request's details. */
public final class LogQueries {
    /** Largest page. */
    public static final int MAX_LIMIT = 200;

    private static final String COLUMNS = "r.id, r.started_at, r.method, r.path, r.query, r.model, r.sent_model, r.stream, "
            + "r.status, r.endpoint, r.attempts, r.failed_over, r.outcome, r.headers_ms, r.first_token_ms, r.total_ms, "
            + "r.input_tokens, r.output_tokens, r.cache_write_5m_tokens, r.cache_write_1h_tokens, r.cache_read_tokens, "
            + "r.cost_micros, r.priced, r.error, "
            + "EXISTS (SELECT 1 FROM request_bodies b WHERE b.request_id = r.id) AS details_kept, "
            + "r.route, r.instance";

    private final Query db;
    private final Dialect dialect;

    public LogQueries(Database database) {
        this.db = new Query(database);
        this.dialect = database.dialect();
    }

    /**
     * A page of entries matching {@code filter}, newest (highest id) first.
     *
     * @param before only entries with a smaller id (the previous page's {@link LogPage#nextBefore()}); null for the first page
     * @param limit  1..{@value #MAX_LIMIT} (clamped)
     */
    public LogPage list(LogFilter filter, Long before, int limit) {
        LogFilter f = filter == null ? LogFilter.ALL : filter;
        int n = Math.max(1, Math.min(MAX_LIMIT, limit));
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM requests r WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (before != null) {
            sql.append(" AND r.id < ?");
            params.add(before);
        }
        if (f.statusClass() != null) {
            int c = f.statusClass().charAt(0) - '0';
            sql.append(" AND r.status >= ? AND r.status < ?");
            params.add(c * 100);
            params.add((c + 1) * 100);
        }
        if (f.outcome() != null) {
            sql.append(" AND r.outcome = ?");
            params.add(f.outcome());
        }
        if (f.route() != null) {
            sql.append(" AND r.route = ?");
            params.add(f.route());
        }
        if (f.endpoint() != null) {
            sql.append(" AND r.endpoint = ?");
            params.add(f.endpoint());
        }
        if (f.model() != null) {
            sql.append(" AND (r.model = ? OR r.sent_model = ?)");
            params.add(f.model());
            params.add(f.model());
        }
        if (f.stream() != null) {
            sql.append(" AND r.stream = ?");
            params.add(f.stream() ? 1 : 0);
        }
        if (f.from() != null) {
            sql.append(" AND r.started_at >= ?");
            params.add(f.from().toEpochMilli());
        }
        if (f.to() != null) {
            sql.append(" AND r.started_at < ?");
            params.add(f.to().toEpochMilli());
        }
        if (f.text() != null) {
            // instr on lower-cased text: no LIKE wildcards to escape
            String needle = f.text().toLowerCase(Locale.ROOT);
            sql.append(" AND (").append(dialect.position("lower(r.path)", "?")).append(" > 0 OR ")
                    .append(dialect.position("lower(coalesce(r.error, ''))", "?")).append(" > 0)");
            params.add(needle);
            params.add(needle);
        }
        sql.append(" ORDER BY r.id DESC LIMIT ?");
        params.add(n + 1);
        List<LogEntry> entries;
        try (var rows = db.query(sql.toString(), params.toArray())) {
            entries = new ArrayList<>(rows.map(LogQueries::entry).toList());
        }
        Long next = null;
        if (entries.size() > n) {
            entries = new ArrayList<>(entries.subList(0, n));
            next = entries.get(n - 1).id();
        }
        return new LogPage(List.copyOf(entries), next);
    }

    /** One request with its attempts, headers and decompressed bodies. */
    public Optional<LogDetail> detail(long id) {
        Optional<LogEntry> entry = db.get("SELECT " + COLUMNS + " FROM requests r WHERE r.id = ?", id)
                .map(LogQueries::entry);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        List<AttemptRecord> attempts;
        try (var rows = db.query("SELECT attempt, endpoint, sent_model, outcome, status, started_ms, headers_ms, "
                + "duration_ms FROM request_attempts WHERE request_id = ? ORDER BY attempt", id)) {
            attempts = rows.map(r -> new AttemptRecord(Rows.integer(r, "attempt"), Rows.str(r, "endpoint"),
                    Rows.str(r, "sent_model"), Rows.str(r, "outcome"), Rows.integer(r, "status"),
                    Rows.lng(r, "started_ms"), Rows.lng(r, "headers_ms"), Rows.lng(r, "duration_ms"))).toList();
        }
        Optional<Query.Row> d = db.get("SELECT request_headers, sent_headers, response_headers, request_body, "
                + "request_body_truncated, response_body, response_body_truncated, request_layout, session_key "
                + "FROM request_bodies WHERE request_id = ?", id);
        if (d.isEmpty()) {
            return Optional.of(new LogDetail(entry.get(), attempts, Map.of(), Map.of(), Map.of(), null, false, null, false,
                    null));
        }
        Query.Row r = d.get();
        byte[] layoutBytes = Rows.bytes(r, "request_layout");
        byte[] requestBody;
        MessageDelta messages = null;
        if (layoutBytes == null) {
            requestBody = BodyCodec.decompress(Rows.bytes(r, "request_body"));
        } else {
            BodyLayout layout = BodyLayout.decode(layoutBytes);
            requestBody = layout.join(StoredParts.read(db, layout));
            messages = delta(id, Rows.str(r, "session_key"), layout);
        }
        return Optional.of(new LogDetail(entry.get(), attempts,
                HeadersJson.read(Rows.str(r, "request_headers")),
                HeadersJson.read(Rows.str(r, "sent_headers")),
                HeadersJson.read(Rows.str(r, "response_headers")),
                requestBody,
                Rows.bool(r, "request_body_truncated"),
                BodyCodec.decompress(Rows.bytes(r, "response_body")),
                Rows.bool(r, "response_body_truncated"),
                messages));
    }

    /** This request's messages against the previous stored body of the same session. */
    private MessageDelta delta(long id, String session, BodyLayout layout) {
        List<Long> mine = layout.messages();
        Long previousId = null;
        List<Long> before = List.of();
        if (session != null && !session.isEmpty()) {
            Optional<Query.Row> prev = db.get("SELECT request_id, request_layout FROM request_bodies "
                    + "WHERE session_key = ? AND request_id < ? AND request_layout IS NOT NULL "
                    + "ORDER BY request_id DESC LIMIT 1", session, id);
            if (prev.isPresent()) {
                previousId = Rows.lng(prev.get(), "request_id");
                before = BodyLayout.decode(Rows.bytes(prev.get(), "request_layout")).messages();
            }
        }
        List<Integer> fresh = new ArrayList<>();
        int changed = 0;
        if (mine.size() >= before.size()) {
            for (int i = 0; i < mine.size(); i++) {
                if (i >= before.size()) {
                    fresh.add(i);
                } else if (!mine.get(i).equals(before.get(i))) {
                    changed++;
                }
            }
        } else {
            Set<Long> held = new HashSet<>(before);
            for (int i = 0; i < mine.size(); i++) {
                if (!held.contains(mine.get(i))) {
                    fresh.add(i);
                }
            }
        }
        return new MessageDelta(mine.size(), fresh.size(), List.copyOf(fresh), previousId, changed);
    }

    private static LogEntry entry(Query.Row r) {
        return new LogEntry(Rows.lng(r, "id"), Rows.lng(r, "started_at"), Rows.str(r, "method"), Rows.str(r, "path"),
                Rows.str(r, "query"), Rows.str(r, "model"), Rows.str(r, "sent_model"), Rows.bool(r, "stream"),
                Rows.integer(r, "status"), Rows.str(r, "endpoint"), Rows.integer(r, "attempts"),
                Rows.bool(r, "failed_over"), Rows.str(r, "outcome"), Rows.lng(r, "headers_ms"),
                Rows.lng(r, "first_token_ms"), Rows.lng(r, "total_ms"),
                new Usage(Rows.lng(r, "input_tokens"), Rows.lng(r, "output_tokens"), Rows.lng(r, "cache_write_5m_tokens"),
                        Rows.lng(r, "cache_write_1h_tokens"), Rows.lng(r, "cache_read_tokens")),
                Rows.lng(r, "cost_micros"), Rows.bool(r, "priced"), Rows.str(r, "error"), Rows.bool(r, "details_kept"),
                Rows.str(r, "route"), Rows.str(r, "instance"));
    }
}
