package dev.codeproxy.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The SQLite database {@code code-proxy.db} in the data directory: opened with WAL and
 * {@code synchronous=NORMAL}, owner-only file mode, migrated to the current schema, and exposed
 * as a Helidon {@link DbClient} over a small HikariCP pool. Or, given a {@link DatabaseUrl}, a
 * PostgreSQL database shared by several instances: the same migrations (translated by the
 * {@link Dialect}, run under an advisory lock), triggers that announce configuration changes
 * ({@link ConfigNotify}), and batched inserts rewritten by the driver into multi-row statements.
 */
public final class Database implements AutoCloseable {
    public static final String FILE_NAME = "code-proxy.db";

    private final Path file;
    private final Path dataDir;
    private final DatabaseUrl url;
    private final Dialect dialect;
    private final HikariDataSource pool;
    private final DbClient client;

    private Database(Path file, HikariDataSource pool) {
        this(file, file.toAbsolutePath().getParent(), null, Dialect.SQLITE, pool);
    }

    private Database(Path file, Path dataDir, DatabaseUrl url, Dialect dialect, HikariDataSource pool) {
        this.file = file;
        this.dataDir = dataDir;
        this.url = url;
        this.dialect = dialect;
        this.pool = pool;
        this.client = JdbcClientBuilder.create()
                .connectionPool(() -> {
                    try {
                        return pool.getConnection();
                    } catch (SQLException e) {
                        throw new IllegalStateException("cannot get a database connection: " + e.getMessage(), e);
                    }
                })
                .build();
    }

    /**
     * Opens the shared PostgreSQL database {@code url} (migrating it), or with a null {@code url}
     * the SQLite database in {@code dataDir} (created with it when missing; a shared database leaves
     * the directory to {@code serve}, which keeps its lock and secrets there).
     */
    public static Database open(Path dataDir, DatabaseUrl url) {
        if (url == null) {
            return open(dataDir);
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url.jdbcUrl());
        // the password goes to the driver as a property: never part of a URL that could be printed
        cfg.setUsername(url.user());
        cfg.setPassword(url.password());
        cfg.setPoolName("code-proxy-db");
        cfg.setMaximumPoolSize(8);
        cfg.setMinimumIdle(1);
        cfg.setRegisterMbeans(false);
        cfg.setConnectionTimeout(10_000);
        // the log writer's JDBC batches go to the server as multi-row INSERTs
        cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
        cfg.addDataSourceProperty("ApplicationName", "code-proxy");
        cfg.addDataSourceProperty("tcpKeepAlive", "true");
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open database " + url.display() + ": " + rootMessage(e), e);
        }
        try (Connection c = ds.getConnection()) {
            Migrations.run(c, Migrations.latest(), Dialect.POSTGRES);
            ConfigNotify.install(c);
        } catch (SQLException e) {
            ds.close();
            throw new IllegalStateException("cannot open database " + url.display() + ": " + e.getMessage(), e);
        }
        return new Database(null, dataDir.toAbsolutePath(), url, Dialect.POSTGRES, ds);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Opens (creating if needed) and migrates the database in {@code dataDir}. */
    public static Database open(Path dataDir) {
        DataDir.ensure(dataDir);
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
            DataDir.ownerOnly(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create database " + file + ": " + e.getMessage(), e);
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
        cfg.setPoolName("code-proxy-db");
        cfg.setMaximumPoolSize(4);
        cfg.setMinimumIdle(1);
        cfg.setRegisterMbeans(false);
        // sqlite-jdbc reads pragmas from the connection properties
        cfg.addDataSourceProperty("journal_mode", "WAL");
        cfg.addDataSourceProperty("synchronous", "NORMAL");
        cfg.addDataSourceProperty("busy_timeout", "10000");
        cfg.addDataSourceProperty("foreign_keys", "true");
        // write transactions take the write lock when they begin (waiting up to busy_timeout): a
        // deferred one that reads first cannot upgrade after the log writer committed
        // (SQLITE_BUSY_SNAPSHOT, which no busy timeout retries)
        cfg.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        HikariDataSource ds = new HikariDataSource(cfg);
        try (Connection c = ds.getConnection()) {
            int was = Migrations.run(c);
            if (was > 0 && was < 7) {
                Migrations.enableIncrementalVacuum(c);
            }
        } catch (SQLException e) {
            ds.close();
            throw new IllegalStateException("cannot open database " + file + ": " + e.getMessage(), e);
        }
        // WAL side files must be owner-only too
        for (String suffix : new String[] {"-wal", "-shm"}) {
            Path side = file.resolveSibling(file.getFileName() + suffix);
            if (Files.exists(side)) {
                DataDir.ownerOnly(side);
            }
        }
        return new Database(file, ds);
    }

    public DbClient client() {
        return client;
    }

    /** The SQLite file; null for PostgreSQL. */
    public Path file() {
        return file;
    }

    /** The schema version the database is at. */
    public int schemaVersion() {
        try (Connection c = pool.getConnection()) {
            return Migrations.current(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the schema version of " + describe() + ": " + e.getMessage(), e);
        }
    }

    /** The instance's data directory (its lock, tokens and login sessions live there, whatever the engine). */
    public Path dataDir() {
        return dataDir;
    }

    /** Which engine this is. */
    public Dialect dialect() {
        return dialect;
    }

    /** The shared database's URL (password left out); null for SQLite. */
    public DatabaseUrl url() {
        return url;
    }

    /** Where the data is, for messages: the SQLite file, or the PostgreSQL URL without its password. */
    public String describe() {
        return url != null ? url.display() : String.valueOf(file);
    }

    /** A raw JDBC connection for the few places that need batches or pragmas. Close it after use. */
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() {
        client.close();
        pool.close();
    }
}
