package dev.codeproxy.store.log;

import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.store.Database;
import dev.codeproxy.store.Dialect;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The writer thread's JDBC side: one connection held for its lifetime, prepared statements, one
 * transaction per batch (rows, attempts, details and aggregates together), and retention pruning
 * in small separate transactions. Only the writer thread touches it.
 *
 * <p>On PostgreSQL several instances write the same tables: each batch (and each pruning step)
 * first takes one transaction-scoped advisory lock, so batches of different instances commit one
 * after another. The aggregates are upserts either way; the lock is what keeps the few
 * read-then-write steps right (hourly histograms, a session's last endpoint, a part's reference
 * count when retention releases it) and spares the instances deadlocks between their upserts.
 * The request rows go in as one multi-row {@code INSERT ... ON CONFLICT DO NOTHING RETURNING id}.
 */
final class LogWriter implements AutoCloseable {
    /** Requests deleted per pruning transaction (their attempts and details go with them). */
    static final int PRUNE_CHUNK = 500;
    /** Aggregates are kept this long (the year heatmap needs a year). */
    static final int HOURLY_KEEP_DAYS = 400;
    static final int DAILY_KEEP_DAYS = 800;
    /** WAL pages (4 KiB) before the writer's connection checkpoints: about 32 MiB, SQLite's default is 1000. */
    static final int WAL_AUTOCHECKPOINT_PAGES = 8000;

    private static final String INSERT_REQUEST = """
            INSERT OR IGNORE INTO requests(id, started_at, method, path, query, model, sent_model, stream, status, endpoint,
                attempts, failed_over, outcome, headers_ms, first_token_ms, total_ms, input_tokens, output_tokens,
                cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, cost_micros, priced, error, route,
                session_id, project, instance)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String INSERT_ATTEMPT = """
            INSERT OR REPLACE INTO request_attempts(request_id, attempt, endpoint, sent_model, outcome, status, started_ms,
                headers_ms, duration_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String INSERT_DETAIL = """
            INSERT OR REPLACE INTO request_bodies(request_id, request_headers, sent_headers, response_headers, request_body,
                request_body_size, request_body_truncated, response_body, response_body_size, response_body_truncated,
                request_layout, session_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    /** PostgreSQL: the advisory lock every batch and pruning step holds ("cplog" in ASCII). */
    static final long WRITE_LOCK = 0x63706c6f67L;
    /** PostgreSQL: row counts are read again this often (other instances add and prune rows too). */
    static final long RECOUNT_MS = 10_000;

    private static final String PG_REQUEST_COLUMNS = """
            INSERT INTO requests(id, started_at, method, path, query, model, sent_model, stream, status, endpoint,
                attempts, failed_over, outcome, headers_ms, first_token_ms, total_ms, input_tokens, output_tokens,
                cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, cost_micros, priced, error, route,
                session_id, project, instance)
            VALUES """;
    private static final String PG_REQUEST_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            + "?, ?, ?, ?)";
    private static final String PG_INSERT_ATTEMPT = """
            INSERT INTO request_attempts(request_id, attempt, endpoint, sent_model, outcome, status, started_ms,
                headers_ms, duration_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(request_id, attempt) DO UPDATE SET endpoint = excluded.endpoint,
                sent_model = excluded.sent_model, outcome = excluded.outcome, status = excluded.status,
                started_ms = excluded.started_ms, headers_ms = excluded.headers_ms, duration_ms = excluded.duration_ms""";
    private static final String PG_INSERT_DETAIL = """
            INSERT INTO request_bodies(request_id, request_headers, sent_headers, response_headers, request_body,
                request_body_size, request_body_truncated, response_body, response_body_size, response_body_truncated,
                request_layout, session_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(request_id) DO UPDATE SET request_headers = excluded.request_headers,
                sent_headers = excluded.sent_headers, response_headers = excluded.response_headers,
                request_body = excluded.request_body, request_body_size = excluded.request_body_size,
                request_body_truncated = excluded.request_body_truncated, response_body = excluded.response_body,
                response_body_size = excluded.response_body_size,
                response_body_truncated = excluded.response_body_truncated, request_layout = excluded.request_layout,
                session_key = excluded.session_key""";

    private final Database database;
    private final Dialect dialect;
    private final boolean shared;
    private long countedAt;
    private final PartWriter parts = new PartWriter();
    private Connection c;
    /** The connection's statements, prepared once (null while there is no connection). */
    private Statements stmts;
    private PreparedStatement insertRequest;
    private PreparedStatement insertAttempt;
    private PreparedStatement insertDetail;
    private PreparedStatement priceVersion;
    /** Rows in requests / request_bodies, counted once and then tracked, so retention needs no count(*). */
    private long requestRows = -1;
    private long detailRows = -1;
    /** The hourly histograms as last committed by this writer (saves a read per key and batch). */
    private final Map<Aggregates.HourKey, String[]> histograms = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Aggregates.HourKey, String[]> eldest) {
            return size() > HISTOGRAM_CACHE;
        }
    };
    private static final int HISTOGRAM_CACHE = 4096;

    LogWriter(Database database) {
        this.database = database;
        this.dialect = database.dialect();
        this.shared = dialect == Dialect.POSTGRES;
    }

    /** Where the log is written, for messages (the file, or the database URL without password). */
    String where() {
        return database.describe();
    }

    private Connection connection() throws SQLException {
        if (c == null || c.isClosed()) {
            closeQuietly();
            c = database.connection();
            c.setAutoCommit(true);
            histograms.clear();
            if (!shared) {
                try (Statement st = c.createStatement()) {
                    // fewer, larger checkpoints: pages rewritten by many batches (index and aggregate
                    // pages) are copied to the database file once per checkpoint, not once per 4 MB
                    st.execute("PRAGMA wal_autocheckpoint = " + WAL_AUTOCHECKPOINT_PAGES);
                }
            }
            stmts = new Statements(c, dialect);
            insertRequest = stmts.get(shared ? INSERT_REQUEST.replace("INSERT OR IGNORE", "INSERT")
                    + " ON CONFLICT(id) DO NOTHING" : INSERT_REQUEST);
            insertAttempt = stmts.get(shared ? PG_INSERT_ATTEMPT : INSERT_ATTEMPT);
            insertDetail = stmts.get(shared ? PG_INSERT_DETAIL : INSERT_DETAIL);
            priceVersion = stmts.get("SELECT value FROM store_meta WHERE key = 'price_overrides_version'");
            requestRows = count("SELECT count(*) FROM requests");
            detailRows = count("SELECT count(*) FROM request_bodies");
            countedAt = System.nanoTime();
        }
        return c;
    }

    /** The price overrides' change counter (see PriceRepository), read on the writer's own connection. */
    long priceVersion() throws SQLException {
        connection();
        try (ResultSet rs = priceVersion.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Writes the rows and their aggregates in one transaction. */
    void write(List<LogRow> rows, ZoneId zone) throws SQLException {
        Connection con = connection();
        con.setAutoCommit(false);
        long addedRequests = 0;
        long addedDetails = 0;
        try {
            if (shared) {
                lockWriters();
                // another instance may have changed a histogram since this writer last stored it
                histograms.clear();
                insertRequestsShared(con, rows);
            } else {
                for (LogRow r : rows) {
                    bindRequest(insertRequest, 1, r);
                    insertRequest.addBatch();
                }
                int[] counts = insertRequest.executeBatch();
                for (int i = 0; i < rows.size(); i++) {
                    if (counts[i] == 0) {
                        // the id is taken (a clock that went back, two proxies on one database): keep both
                        reinsert(con, rows.get(i));
                    }
                }
            }
            addedRequests = rows.size();
            parts.store(stmts, rows);
            boolean attempts = false;
            boolean details = false;
            for (LogRow r : rows) {
                for (AttemptRecord a : r.attemptList) {
                    int i = 1;
                    insertAttempt.setLong(i++, r.id);
                    insertAttempt.setInt(i++, a.attempt());
                    insertAttempt.setString(i++, a.endpoint());
                    insertAttempt.setString(i++, a.sentModel());
                    insertAttempt.setString(i++, a.outcome());
                    insertAttempt.setInt(i++, a.status());
                    insertAttempt.setLong(i++, a.startedMs());
                    insertAttempt.setLong(i++, a.headersMs());
                    insertAttempt.setLong(i, a.durationMs());
                    insertAttempt.addBatch();
                    attempts = true;
                }
                LogRow.Detail d = r.detail;
                if (d != null) {
                    int i = 1;
                    insertDetail.setLong(i++, r.id);
                    insertDetail.setString(i++, d.requestHeaders());
                    insertDetail.setString(i++, d.sentHeaders());
                    insertDetail.setString(i++, d.responseHeaders());
                    setBytes(insertDetail, i++, d.requestBody());
                    insertDetail.setInt(i++, d.requestBodySize());
                    insertDetail.setInt(i++, d.requestBodyTruncated() ? 1 : 0);
                    setBytes(insertDetail, i++, d.responseBody());
                    insertDetail.setInt(i++, d.responseBodySize());
                    insertDetail.setInt(i++, d.responseBodyTruncated() ? 1 : 0);
                    setBytes(insertDetail, i++, r.requestLayout);
                    insertDetail.setString(i, d.requestParts() == null ? "" : d.requestParts().sessionKey());
                    insertDetail.addBatch();
                    details = true;
                    addedDetails++;
                }
            }
            if (attempts) {
                insertAttempt.executeBatch();
            }
            if (details) {
                insertDetail.executeBatch();
            }
            Aggregates agg = new Aggregates();
            for (LogRow r : rows) {
                agg.add(r, zone);
            }
            Map<Aggregates.HourKey, String[]> stored = agg.write(stmts, histograms);
            UsageAggregates.write(stmts, rows);
            con.commit();
            histograms.putAll(stored);
            requestRows += addedRequests;
            detailRows += addedDetails;
        } catch (SQLException | RuntimeException e) {
            histograms.clear();
            rollback();
            throw e;
        } finally {
            restoreAutoCommit();
        }
    }

    /** PostgreSQL: holds the writers' lock until this transaction ends. */
    private void lockWriters() throws SQLException {
        try (ResultSet rs = stmts.get("SELECT pg_advisory_xact_lock(" + WRITE_LOCK + ")").executeQuery()) {
            rs.next();
        }
    }

    /**
     * PostgreSQL: the batch's requests in one multi-row statement; those whose id another
     * instance took (each instance numbers its requests from its start time) are stored again
     * under a free id.
     */
    private void insertRequestsShared(Connection con, List<LogRow> rows) throws SQLException {
        StringBuilder sql = new StringBuilder(PG_REQUEST_COLUMNS.length() + rows.size() * 60).append(PG_REQUEST_COLUMNS);
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(PG_REQUEST_VALUES);
        }
        sql.append(" ON CONFLICT(id) DO NOTHING RETURNING id");
        Set<Long> inserted = new HashSet<>();
        try (PreparedStatement p = con.prepareStatement(sql.toString())) {
            int i = 1;
            for (LogRow r : rows) {
                i = bindRequest(p, i, r);
            }
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getLong(1));
                }
            }
        }
        Set<Long> seen = new HashSet<>();
        for (LogRow r : rows) {
            // a batch cannot hold one id twice, but a collision inside it is handled the same way
            if (!inserted.contains(r.id) || !seen.add(r.id)) {
                reinsert(con, r);
            }
        }
    }

    /** Stores a request whose id is taken under the next free one. */
    private void reinsert(Connection con, LogRow r) throws SQLException {
        do {
            r.id = nextFreeId(con);
            bindRequest(insertRequest, 1, r);
        } while (insertRequest.executeUpdate() == 0);
    }

    private static int bindRequest(PreparedStatement p, int first, LogRow r) throws SQLException {
        int i = first;
        p.setLong(i++, r.id);
        p.setLong(i++, r.startedAt);
        p.setString(i++, r.method);
        p.setString(i++, r.path);
        p.setString(i++, r.query);
        p.setString(i++, r.model);
        p.setString(i++, r.sentModel);
        p.setInt(i++, r.stream ? 1 : 0);
        p.setInt(i++, r.status);
        p.setString(i++, r.endpoint);
        p.setInt(i++, r.attempts);
        p.setInt(i++, r.failedOver ? 1 : 0);
        p.setString(i++, r.outcome);
        p.setLong(i++, r.headersMs);
        p.setLong(i++, r.firstTokenMs);
        p.setLong(i++, r.totalMs);
        p.setLong(i++, r.usage.input());
        p.setLong(i++, r.usage.output());
        p.setLong(i++, r.usage.cacheWrite5m());
        p.setLong(i++, r.usage.cacheWrite1h());
        p.setLong(i++, r.usage.cacheRead());
        p.setLong(i++, r.costMicros);
        p.setInt(i++, r.priced ? 1 : 0);
        p.setString(i++, r.error);
        p.setString(i++, r.route);
        p.setString(i++, r.sessionId);
        p.setString(i++, r.project);
        p.setString(i++, r.instance);
        return i;
    }

    private static void setBytes(PreparedStatement p, int i, byte[] b) throws SQLException {
        if (b == null) {
            p.setNull(i, Types.VARBINARY); // BLOB would be PostgreSQL's large-object oid, not bytea
        } else {
            p.setBytes(i, b);
        }
    }

    private static long nextFreeId(Connection con) throws SQLException {
        try (Statement st = con.createStatement(); ResultSet rs = st.executeQuery("SELECT max(id) FROM requests")) {
            return (rs.next() ? rs.getLong(1) : 0) + 1;
        }
    }

    /**
     * One pruning step in its own short transaction: the oldest requests past {@code logRetention}
     * or, while the database holds more than {@code logMaxBytes}, the oldest requests anyway (at
     * most {@link #PRUNE_CHUNK}) with their attempts, details and the parts only they held; then
     * details past {@code bodyRetention}. Without anything to prune, one step of giving free pages
     * back ({@link #reclaim}). Returns true when more remains to do.
     *
     * <p>{@code slack}: prune only once rows or details are at least this many past their limit (1:
     * as soon as they are past it), then all of the excess in one step. A busy log otherwise ran a
     * delete and a commit after every batch for the handful of rows that batch added.
     */
    boolean prune(int logRetention, int bodyRetention, long logMaxBytes, int slack) throws SQLException {
        Connection con = connection();
        if (shared && System.nanoTime() - countedAt > RECOUNT_MS * 1_000_000) {
            // the other instances write and prune the same tables: counting now and then keeps
            // retention right without a count(*) per batch
            requestRows = count("SELECT count(*) FROM requests");
            detailRows = count("SELECT count(*) FROM request_bodies");
            countedAt = System.nanoTime();
        }
        long excessRequests = requestRows - Math.max(0, logRetention);
        long excessDetails = detailRows - Math.max(0, bodyRetention);
        // logMaxBytes bounds the SQLite file; PostgreSQL's space is the server's to manage (autovacuum)
        boolean lookAtSpace = slack <= 1 || spaceCheckDue();
        boolean overSize = !shared && logMaxBytes > 0 && requestRows > 0 && lookAtSpace && usedBytes() > logMaxBytes;
        lastOverSize = overSize;
        if (overSize) {
            excessRequests = Math.max(excessRequests, Math.min(requestRows, PRUNE_CHUNK));
            sizePruned += Math.min(requestRows, PRUNE_CHUNK);
        }
        if (!overSize && excessRequests < Math.max(1, slack) && excessDetails < Math.max(1, slack)) {
            return lookAtSpace && reclaim();
        }
        con.setAutoCommit(false);
        try {
            if (shared) {
                lockWriters();
            }
            long deletedRequests = 0;
            long deletedDetails = 0;
            if (excessRequests > 0) {
                long upTo = nth(stmts, "SELECT id FROM requests ORDER BY id LIMIT 1 OFFSET ?",
                        Math.min(excessRequests, PRUNE_CHUNK) - 1);
                if (upTo == Long.MIN_VALUE) {
                    requestRows = -2; // the count drifted (rows removed elsewhere): recount below
                } else {
                    PartWriter.release(stmts, "request_id <= ?", upTo);
                    deletedDetails += delete(stmts, "DELETE FROM request_bodies WHERE request_id <= ?", upTo);
                    delete(stmts, "DELETE FROM request_attempts WHERE request_id <= ?", upTo);
                    deletedRequests = delete(stmts, "DELETE FROM requests WHERE id <= ?", upTo);
                }
            } else {
                long upTo = nth(stmts, "SELECT request_id FROM request_bodies ORDER BY request_id LIMIT 1 OFFSET ?",
                        Math.min(excessDetails, PRUNE_CHUNK) - 1);
                if (upTo == Long.MIN_VALUE) {
                    detailRows = -2;
                } else {
                    PartWriter.release(stmts, "request_id <= ?", upTo);
                    deletedDetails = delete(stmts, "DELETE FROM request_bodies WHERE request_id <= ?", upTo);
                }
            }
            con.commit();
            requestRows -= deletedRequests;
            detailRows -= deletedDetails;
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw e;
        } finally {
            restoreAutoCommit();
        }
        if (requestRows < 0 || detailRows < 0) {
            requestRows = count("SELECT count(*) FROM requests");
            detailRows = count("SELECT count(*) FROM request_bodies");
        }
        return requestRows > logRetention || detailRows > bodyRetention || overSize;
    }

    /** Free pages past which space is given back to the file system (4 MiB of 4 KiB pages). */
    static final int RECLAIM_ABOVE_PAGES = 1024;
    /** Pages given back per step: each step is one short write transaction (about 4 MiB). */
    static final int RECLAIM_STEP_PAGES = 1024;
    /** Requests pruned because the log was over logMaxBytes (tests read it). */
    long sizePruned;
    /** Pages given back by incremental vacuum steps. */
    long reclaimedPages;

    /**
     * How often a busy writer looks at the file's size and free pages: it used to run up to five
     * pragma queries between every two batches (hundreds of times a second under load), and
     * neither bound needs to be kept to the millisecond. A flush, and a step that left more to
     * do, look at once.
     */
    static final long SPACE_CHECK_EVERY_NANOS = 100_000_000L;
    private long spaceCheckedAt = System.nanoTime() - SPACE_CHECK_EVERY_NANOS;
    private boolean lastOverSize;
    private boolean lastReclaimLeft;

    private boolean spaceCheckDue() {
        long now = System.nanoTime();
        if (lastOverSize || lastReclaimLeft || now - spaceCheckedAt >= SPACE_CHECK_EVERY_NANOS) {
            spaceCheckedAt = now;
            return true;
        }
        return false;
    }

    /** Bytes the database's pages hold, free pages not counted. */
    long usedBytes() throws SQLException {
        connection();
        if (pageSize == 0) {
            pageSize = pragma("page_size");
        }
        return (pragma("page_count") - pragma("freelist_count")) * pageSize;
    }

    /** The connection's page size and auto_vacuum mode (read once per connection; 0: not yet). */
    private long pageSize;
    private long autoVacuum = -1;

    /**
     * One step of giving free pages back: {@code PRAGMA incremental_vacuum} of at most
     * {@value #RECLAIM_STEP_PAGES} pages, when more than {@value #RECLAIM_ABOVE_PAGES} are free
     * (fewer are kept for the next inserts). Never one long lock: the writer commits its
     * batches between steps. Returns true when more remains to give back.
     */
    boolean reclaim() throws SQLException {
        if (shared) {
            return false; // PostgreSQL: autovacuum makes deleted rows' space reusable
        }
        lastReclaimLeft = false;
        connection();
        if (autoVacuum < 0) {
            autoVacuum = pragma("auto_vacuum");
        }
        if (autoVacuum != 2) {
            return false;
        }
        long free = pragma("freelist_count");
        if (free <= RECLAIM_ABOVE_PAGES) {
            return false;
        }
        long step = Math.min(RECLAIM_STEP_PAGES, free);
        // sqlite-jdbc runs one step of the pragma per execution, and each step frees one page: so one
        // short transaction executes it once per page (about 20 ms for 1,024 pages)
        Connection con = connection();
        con.setAutoCommit(false);
        try {
            for (long i = 0; i < step; i++) {
                // a statement of its own each time: one left mid-step would keep the commit from happening
                try (Statement st = con.createStatement()) {
                    st.execute("PRAGMA incremental_vacuum(1)");
                }
            }
            con.commit();
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw e;
        } finally {
            restoreAutoCommit();
        }
        reclaimedPages += step;
        lastReclaimLeft = free - step > RECLAIM_ABOVE_PAGES;
        return lastReclaimLeft;
    }

    private long pragma(String name) throws SQLException {
        connection();
        try (ResultSet rs = stmts.get("PRAGMA " + name).executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Drops aggregates older than their keep period (never touched by log retention). */
    void pruneAggregates(long nowMs, ZoneId zone) throws SQLException {
        Connection con = connection();
        histograms.clear();
        long hourlyBefore = Aggregates.hourStart(nowMs) - HOURLY_KEEP_DAYS * 24L * Aggregates.HOUR_MS;
        String dailyBefore = LocalDate.ofInstant(Instant.ofEpochMilli(nowMs), zone)
                .minusDays(DAILY_KEEP_DAYS).toString();
        PreparedStatement h = stmts.get("DELETE FROM stats_hourly WHERE hour_start < ?");
        h.setLong(1, hourlyBefore);
        h.executeUpdate();
        PreparedStatement rh = stmts.get("DELETE FROM stats_route_hourly WHERE hour_start < ?");
        rh.setLong(1, hourlyBefore);
        rh.executeUpdate();
        PreparedStatement d = stmts.get("DELETE FROM stats_daily WHERE day < ?");
        d.setString(1, dailyBefore);
        d.executeUpdate();
    }

    private static long nth(Statements st, String sql, long offset) throws SQLException {
        PreparedStatement p = st.get(sql);
        p.setLong(1, Math.max(0, offset));
        try (ResultSet rs = p.executeQuery()) {
            return rs.next() ? rs.getLong(1) : Long.MIN_VALUE;
        }
    }

    private static int delete(Statements st, String sql, long upTo) throws SQLException {
        PreparedStatement p = st.get(sql);
        p.setLong(1, upTo);
        return p.executeUpdate();
    }

    private long count(String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void rollback() {
        try {
            if (c != null && !c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException e) {
            closeQuietly();
        }
    }

    private void restoreAutoCommit() {
        try {
            if (c != null && !c.isClosed()) {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            closeQuietly();
        }
    }

    /** Drops the connection (after an error the next call opens a fresh one). */
    void closeQuietly() {
        for (AutoCloseable a : new AutoCloseable[] {stmts, c}) {
            if (a != null) {
                try {
                    a.close();
                } catch (Exception ignored) {
                    // closing after a failure: nothing more to do
                }
            }
        }
        insertRequest = null;
        insertAttempt = null;
        insertDetail = null;
        priceVersion = null;
        stmts = null;
        c = null;
        pageSize = 0;
        autoVacuum = -1;
    }

    @Override
    public void close() {
        closeQuietly();
        parts.close();
    }
}
