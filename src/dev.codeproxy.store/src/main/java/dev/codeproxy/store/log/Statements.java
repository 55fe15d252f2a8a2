package dev.codeproxy.store.log;

import dev.codeproxy.store.Dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer connection's prepared statements, each prepared once and kept for the connection's
 * lifetime. Preparing is most of what a small batch costs: SQLite compiles a 25-column upsert in
 * tens of microseconds, and a batch used about fifteen statements (aggregates, sessions, parts,
 * pruning, pragmas) that were prepared and thrown away every time. Only the writer thread uses
 * it; a failure closes the connection and with it every statement here.
 */
final class Statements implements AutoCloseable {
    private final Connection connection;
    private final Dialect dialect;
    private final Map<String, PreparedStatement> plain = new HashMap<>();
    private final Map<String, PreparedStatement> upserts = new HashMap<>();

    Statements(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    Connection connection() {
        return connection;
    }

    Dialect dialect() {
        return dialect;
    }

    /** {@code sql} prepared on this connection (once). Callers close its result sets, never it. */
    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement p = plain.get(sql);
        if (p == null) {
            p = connection.prepareStatement(sql);
            plain.put(sql, p);
        }
        return p;
    }

    /** {@code sql} in the dialect's upsert spelling ({@link Dialect#upsert}), prepared once. */
    PreparedStatement upsert(String sql) throws SQLException {
        PreparedStatement p = upserts.get(sql);
        if (p == null) {
            p = connection.prepareStatement(dialect.upsert(sql));
            upserts.put(sql, p);
        }
        return p;
    }

    @Override
    public void close() {
        List<PreparedStatement> all = new ArrayList<>(plain.values());
        all.addAll(upserts.values());
        plain.clear();
        upserts.clear();
        for (PreparedStatement p : all) {
            try {
                p.close();
            } catch (SQLException ignored) {
                // the connection is being dropped: nothing more to do
            }
        }
    }
}
