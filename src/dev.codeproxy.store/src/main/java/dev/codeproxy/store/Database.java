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
 * as a Helidon {@link DbClient} over a small HikariCP pool.
 */
public final class Database implements AutoCloseable {
    public static final String FILE_NAME = "code-proxy.db";

    private final Path file;
    private final HikariDataSource pool;
    private final DbClient client;

    private Database(Path file, HikariDataSource pool) {
        this.file = file;
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

    public Path file() {
        return file;
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
