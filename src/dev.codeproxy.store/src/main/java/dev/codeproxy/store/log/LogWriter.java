package dev.codeproxy.store.log;

import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.store.Database;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer thread's JDBC side: one connection held for its lifetime, prepared statements, one
 * transaction per batch (rows, attempts, details and aggregates together), and retention pruning
 * in small separate transactions. Only the writer thread touches it.
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
                session_id, project)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String INSERT_ATTEMPT = """
            INSERT OR REPLACE INTO request_attempts(request_id, attempt, endpoint, sent_model, outcome, status, started_ms,
                headers_ms, duration_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String INSERT_DETAIL = """
            INSERT OR REPLACE INTO request_bodies(request_id, request_headers, sent_headers, response_headers, request_body,
                request_body_size, request_body_truncated, response_body, response_body_size, response_body_truncated,
                request_layout, session_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private final Database database;
    private final PartWriter parts = new PartWriter();
    private Connection c;
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
    }

    Path file() {
        return database.file();
    }

    private Connection connection() throws SQLException {
        if (c == null || c.isClosed()) {
            closeQuietly();
            c = database.connection();
            c.setAutoCommit(true);
            histograms.clear();
            try (Statement st = c.createStatement()) {
                // fewer, larger checkpoints: pages rewritten by many batches (index and aggregate
                // pages) are copied to the database file once per checkpoint, not once per 4 MB
                st.execute("PRAGMA wal_autocheckpoint = " + WAL_AUTOCHECKPOINT_PAGES);
            }
            insertRequest = c.prepareStatement(INSERT_REQUEST);
            insertAttempt = c.prepareStatement(INSERT_ATTEMPT);
            insertDetail = c.prepareStatement(INSERT_DETAIL);
            priceVersion = c.prepareStatement("SELECT value FROM store_meta WHERE key = 'price_overrides_version'");
            requestRows = count("SELECT count(*) FROM requests");
            detailRows = count("SELECT count(*) FROM request_bodies");
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
            for (LogRow r : rows) {
                bindRequest(r);
                insertRequest.addBatch();
            }
            int[] counts = insertRequest.executeBatch();
            for (int i = 0; i < rows.size(); i++) {
                if (counts[i] == 0) {
                    // the id is taken (a clock that went back, two proxies on one database): keep both
                    LogRow r = rows.get(i);
                    r.id = nextFreeId(con);
                    bindRequest(r);
                    insertRequest.executeUpdate();
                }
            }
            addedRequests = rows.size();
            parts.store(con, rows);
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
            Map<Aggregates.HourKey, String[]> stored = agg.write(con, histograms);
            UsageAggregates.write(con, rows);
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

    private void bindRequest(LogRow r) throws SQLException {
        PreparedStatement p = insertRequest;
        int i = 1;
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
        p.setString(i, r.project);
    }

    private static void setBytes(PreparedStatement p, int i, byte[] b) throws SQLException {
        if (b == null) {
            p.setNull(i, Types.BLOB);
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
     */
    boolean prune(int logRetention, int bodyRetention, long logMaxBytes) throws SQLException {
        Connection con = connection();
        long excessRequests = requestRows - Math.max(0, logRetention);
        long excessDetails = detailRows - Math.max(0, bodyRetention);
        boolean overSize = logMaxBytes > 0 && requestRows > 0 && usedBytes() > logMaxBytes;
        if (overSize) {
            excessRequests = Math.max(excessRequests, Math.min(requestRows, PRUNE_CHUNK));
            sizePruned += Math.min(requestRows, PRUNE_CHUNK);
        }
        if (excessRequests <= 0 && excessDetails <= 0) {
            return reclaim();
        }
        con.setAutoCommit(false);
        try {
            long deletedRequests = 0;
            long deletedDetails = 0;
            if (excessRequests > 0) {
                long upTo = nth(con, "SELECT id FROM requests ORDER BY id LIMIT 1 OFFSET ?",
                        Math.min(excessRequests, PRUNE_CHUNK) - 1);
                if (upTo == Long.MIN_VALUE) {
                    requestRows = -2; // the count drifted (rows removed elsewhere): recount below
                } else {
                    PartWriter.release(con, "request_id <= ?", upTo);
                    deletedDetails += delete(con, "DELETE FROM request_bodies WHERE request_id <= ?", upTo);
                    delete(con, "DELETE FROM request_attempts WHERE request_id <= ?", upTo);
                    deletedRequests = delete(con, "DELETE FROM requests WHERE id <= ?", upTo);
                }
            } else {
                long upTo = nth(con, "SELECT request_id FROM request_bodies ORDER BY request_id LIMIT 1 OFFSET ?",
                        Math.min(excessDetails, PRUNE_CHUNK) - 1);
                if (upTo == Long.MIN_VALUE) {
                    detailRows = -2;
                } else {
                    PartWriter.release(con, "request_id <= ?", upTo);
                    deletedDetails = delete(con, "DELETE FROM request_bodies WHERE request_id <= ?", upTo);
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

    /** Bytes the database's pages hold, free pages not counted. */
    long usedBytes() throws SQLException {
        return (pragma("page_count") - pragma("freelist_count")) * pragma("page_size");
    }

    /**
     * One step of giving free pages back: {@code PRAGMA incremental_vacuum} of at most
     * {@value #RECLAIM_STEP_PAGES} pages, when more than {@value #RECLAIM_ABOVE_PAGES} are free
     * (fewer are kept for the next inserts). Never one long lock: the writer commits its
     * batches between steps. Returns true when more remains to give back.
     */
    boolean reclaim() throws SQLException {
        long free = pragma("freelist_count");
        if (free <= RECLAIM_ABOVE_PAGES || pragma("auto_vacuum") != 2) {
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
        return free - step > RECLAIM_ABOVE_PAGES;
    }

    private long pragma(String name) throws SQLException {
        try (Statement st = connection().createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
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
        try (PreparedStatement h = con.prepareStatement("DELETE FROM stats_hourly WHERE hour_start < ?");
             PreparedStatement d = con.prepareStatement("DELETE FROM stats_daily WHERE day < ?");
             PreparedStatement rh = con.prepareStatement("DELETE FROM stats_route_hourly WHERE hour_start < ?")) {
            h.setLong(1, hourlyBefore);
            h.executeUpdate();
            rh.setLong(1, hourlyBefore);
            rh.executeUpdate();
            d.setString(1, dailyBefore);
            d.executeUpdate();
        }
    }

    private static long nth(Connection con, String sql, long offset) throws SQLException {
        try (PreparedStatement p = con.prepareStatement(sql)) {
            p.setLong(1, Math.max(0, offset));
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : Long.MIN_VALUE;
            }
        }
    }

    private static int delete(Connection con, String sql, long upTo) throws SQLException {
        try (PreparedStatement p = con.prepareStatement(sql)) {
            p.setLong(1, upTo);
            return p.executeUpdate();
        }
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
        for (AutoCloseable a : new AutoCloseable[] {insertRequest, insertAttempt, insertDetail, priceVersion, c}) {
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
        c = null;
    }

    @Override
    public void close() {
        closeQuietly();
        parts.close();
    }
}
