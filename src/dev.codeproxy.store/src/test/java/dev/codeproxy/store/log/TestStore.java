package dev.codeproxy.store.log;

import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.store.Database;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** A database in a temp dir with a request log over it, a fixed clock and live settings. */
public final class TestStore implements AutoCloseable {
    public static final Instant NOW = Instant.parse("2026-11-26T12:30:00Z");

    public final Database db;
    public final AtomicReference<Settings> settings = new AtomicReference<>(Settings.DEFAULTS);
    public final AtomicReference<Collection<String>> secrets = new AtomicReference<>(List.of());
    public final Clock clock;
    public final RequestLog log;

    public TestStore(Path dir) {
        this(dir, ZoneOffset.UTC, RequestLog.DEFAULT_QUEUE_CAPACITY);
    }

    public TestStore(Path dir, ZoneId zone, int queueCapacity) {
        this(Database.open(dir), zone, queueCapacity);
    }

    /** A request log over an already open database (PostgreSQL tests open one per instance). */
    public TestStore(Database db, ZoneId zone, int queueCapacity) {
        this.db = db;
        this.clock = Clock.fixed(NOW, zone);
        this.log = new RequestLog(db, settings::get, secrets::get, clock, queueCapacity);
    }

    public TestStore set(Map<String, String> changes) {
        settings.set(settings.get().with(changes));
        return this;
    }

    public void write(Rec... recs) {
        for (Rec r : recs) {
            if (!log.offer(r.build())) {
                throw new AssertionError("queue refused record " + r.id);
            }
        }
        log.flush();
    }

    public long scalar(String sql) {
        try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }

    /** Every row of a query as a list of column values (Long, String, byte[] or null). */
    public List<List<Object>> rows(String sql) {
        try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<List<Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    Object o = rs.getObject(i);
                    row.add(o instanceof Integer x ? Long.valueOf(x) : o);
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        log.close();
        db.close();
    }
}
