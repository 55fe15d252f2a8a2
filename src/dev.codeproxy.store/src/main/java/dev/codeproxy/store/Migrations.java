package dev.codeproxy.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Logger;

/**
 * Versioned schema migrations. Each version is one SQL script under {@code migrations/}, applied
 * in order inside one transaction together with the bump of {@code schema_version}. Scripts are
 * listed here (a module image cannot list its resource folders) and never edited once released:
 * a change is a new version.
 */
public final class Migrations {
    private static final Logger LOG = Logger.getLogger(Migrations.class.getName());

    /** The scripts, index 0 is version 1. */
    static final List<String> SCRIPTS = List.of(
            "V1__endpoints_settings.sql",
            "V2__request_log_stats.sql",
            "V3__client_tokens.sql",
            "V4__endpoint_headers_timeout.sql",
            "V5__routes.sql");

    private Migrations() {
    }

    public static int latest() {
        return SCRIPTS.size();
    }

    /** Brings the database to the latest version; returns the version it was at. */
    static int run(Connection c) throws SQLException {
        return run(c, SCRIPTS.size());
    }

    /** Brings the database to {@code target} (tests build every earlier version this way). */
    static int run(Connection c, int target) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)");
        }
        int current = current(c);
        if (current > SCRIPTS.size()) {
            throw new SQLException("the database is at schema version " + current + " but this build knows only up to "
                    + SCRIPTS.size() + "; use a newer Code Proxy");
        }
        boolean auto = c.getAutoCommit();
        for (int v = current + 1; v <= Math.min(target, SCRIPTS.size()); v++) {
            String sql = load(SCRIPTS.get(v - 1));
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                for (String stmt : split(sql)) {
                    st.execute(stmt);
                }
                st.execute("DELETE FROM schema_version");
                st.execute("INSERT INTO schema_version(version, applied_at) VALUES (" + v + ", "
                        + System.currentTimeMillis() + ")");
                c.commit();
                int applied = v;
                LOG.fine(() -> "applied migration " + SCRIPTS.get(applied - 1));
            } catch (SQLException e) {
                c.rollback();
                throw new SQLException("migration to schema version " + v + " failed: " + e.getMessage(), e);
            } finally {
                c.setAutoCommit(auto);
            }
        }
        return current;
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
        return java.util.Arrays.stream(clean.toString().split(";\\s*\n"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(s -> s.endsWith(";") ? s.substring(0, s.length() - 1) : s)
                .toList();
    }
}
