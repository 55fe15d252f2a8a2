package dev.codeproxy.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

/**
 * Versioned schema migrations. Each version is one SQL script under {@code migrations/}, applied
 * in order inside one transaction together with the bump of {@code schema_version}. Scripts are
 * listed here (a module image cannot list its resource folders) and never edited once released:
 * a change is a new version. A script's version is the number in its name ({@code V6__...}), so
 * the list may have gaps (features built in parallel take fixed numbers); the scripts above the
 * database's version are applied in order.
 */
public final class Migrations {
    private static final Logger LOG = Logger.getLogger(Migrations.class.getName());

    /**
     * The scripts in version order; a script's version is the number in its name ({@code V7__...}).
     * Versions may have gaps (branches merge their numbers in any order): the present scripts are
     * applied in order, each once, above the database's version.
     */
    static final List<String> SCRIPTS = List.of(
            "V1__endpoints_settings.sql",
            "V2__request_log_stats.sql",
            "V3__client_tokens.sql",
            "V4__endpoint_headers_timeout.sql",
            "V5__routes.sql",
            "V6__sessions_usage.sql",
            "V7__request_parts.sql",
            "V8__client_token_limits.sql",
            "V9__request_instance.sql");

    private Migrations() {
    }

    public static int latest() {
        return version(SCRIPTS.getLast());
    }

    /** The version a script stands for: the number after its leading {@code V}. */
    static int version(String script) {
        return Integer.parseInt(script.substring(1, script.indexOf("__")));
    }

    /** Brings the database to the latest version; returns the version it was at. */
    static int run(Connection c) throws SQLException {
        return run(c, latest());
    }

    /** Brings the database to {@code target} (tests build every earlier version this way). */
    static int run(Connection c, int target) throws SQLException {
        return run(c, target, Dialect.SQLITE);
    }

    /**
     * Brings a database of {@code dialect} to {@code target}. On PostgreSQL the whole run holds a
     * session advisory lock, so instances starting at once migrate one after the other (the
     * second finds the work done) instead of racing to create the same tables.
     */
    static int run(Connection c, int target, Dialect dialect) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
            }
            try {
                return migrate(c, target, dialect);
            } finally {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
                }
            }
        }
        return migrate(c, target, dialect);
    }

    /** The advisory lock key the migrations hold on PostgreSQL ("cpmig" in ASCII). */
    static final long MIGRATION_LOCK = 0x63706d6967L;

    private static int migrate(Connection c, int target, Dialect dialect) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (empty(c, dialect)) {
                if (dialect == Dialect.SQLITE) {
                    // must precede the first table: freed pages can then be given back in small steps
                    // (PRAGMA incremental_vacuum) instead of a VACUUM that locks the whole file
                    st.execute("PRAGMA auto_vacuum = INCREMENTAL");
                    st.execute("VACUUM"); // the file's header may exist already (WAL mode): empty, this is instant
                }
                for (String stmt : dialect.prelude()) {
                    st.execute(stmt);
                }
            }
            st.execute(dialect.migration(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)"));
        }
        int current = current(c);
        if (current > latest()) {
            throw new SQLException("the database is at schema version " + current + " but this build knows only up to "
                    + latest() + "; use a newer Code Proxy");
        }
        boolean auto = c.getAutoCommit();
        for (String script : SCRIPTS) {
            int v = version(script);
            if (v <= current || v > target) {
                continue;
            }
            String sql = load(script);
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                for (String stmt : split(sql)) {
                    String translated = dialect.migration(stmt);
                    if (translated != null) {
                        st.execute(translated);
                    }
                }
                st.execute("DELETE FROM schema_version");
                st.execute("INSERT INTO schema_version(version, applied_at) VALUES (" + v + ", "
                        + System.currentTimeMillis() + ")");
                c.commit();
                LOG.fine(() -> "applied migration " + script);
            } catch (SQLException e) {
                c.rollback();
                throw new SQLException("migration to schema version " + v + " failed: " + e.getMessage(), e);
            } finally {
                c.setAutoCommit(auto);
            }
        }
        return current;
    }

    /** Every version a database can be at: 0 (empty) and each script's. */
    static List<Integer> versions() {
        List<Integer> out = new ArrayList<>();
        out.add(0);
        SCRIPTS.forEach(s -> out.add(version(s)));
        return out;
    }

    private static boolean empty(Connection c, Dialect dialect) throws SQLException {
        String sql = dialect == Dialect.SQLITE ? "SELECT count(*) FROM sqlite_master"
                : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() && rs.getInt(1) == 0;
        }
    }

    /**
     * A database made before schema version 7 has no incremental vacuum: it is switched once, by
     * one VACUUM (at start, before the log writer runs). When that fails (a full disk: VACUUM
     * needs a copy's worth of space) the database stays as it was; freed pages are still reused.
     */
    static void enableIncrementalVacuum(Connection c) {
        try (Statement st = c.createStatement()) {
            int mode;
            try (ResultSet rs = st.executeQuery("PRAGMA auto_vacuum")) {
                mode = rs.next() ? rs.getInt(1) : 0;
            }
            if (mode == 2) {
                return;
            }
            LOG.info("compacting the database once so that space freed by log retention can be given back "
                    + "in small steps (auto_vacuum=incremental)");
            st.execute("PRAGMA auto_vacuum = INCREMENTAL");
            st.execute("VACUUM");
        } catch (SQLException e) {
            LOG.warning("could not switch the database to incremental vacuum (" + e.getMessage()
                    + "); space freed by log retention is reused but not given back to the file system");
        }
    }

    static int current(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT max(version) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static String load(String name) {
        try (InputStream in = Migrations.class.getResourceAsStream("migrations/" + name)) {
            if (in == null) {
                throw new IllegalStateException("migration script missing from the build: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a script on semicolons at line ends; scripts keep one statement per such block. */
    static List<String> split(String sql) {
        StringBuilder clean = new StringBuilder();
        for (String line : sql.split("\n")) {
            String t = line.strip();
            if (!t.startsWith("--")) {
                clean.append(line).append('\n');
            }
        }
        return Arrays.stream(clean.toString().split(";\\s*\n"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(s -> s.endsWith(";") ? s.substring(0, s.length() - 1) : s)
                .toList();
    }
}
