package dev.codeproxy.store;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.settings.ConfigSource;
import dev.codeproxy.core.settings.Settings;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The in-memory configuration the proxy reads per request. {@link #reload()} after a change made
 * through this process; changes made by another process (e.g. {@code code-proxy endpoint add}
 * while the server runs) are noticed by polling SQLite's {@code PRAGMA data_version}, which
 * changes whenever another connection commits. On a shared PostgreSQL database they are heard
 * through LISTEN/NOTIFY instead ({@link ConfigNotify}): no polling, and every instance sees a change
 * made on any other within milliseconds.
 */
public final class ConfigSnapshot implements ConfigSource, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConfigSnapshot.class.getName());

    private record State(Settings settings, List<Endpoint> endpoints) {
    }

    private final Database database;
    private final EndpointRepository endpoints;
    private final SettingsRepository settings;
    private volatile State state;
    private volatile Runnable onChange = () -> { };
    private Thread watcher;
    private ConfigNotify listener;

    public ConfigSnapshot(Database database) {
        this.database = database;
        this.endpoints = new EndpointRepository(database.client());
        this.settings = new SettingsRepository(database.client());
        reload();
    }

    @Override
    public Settings settings() {
        return state.settings();
    }

    @Override
    public List<Endpoint> endpoints() {
        return state.endpoints();
    }

    public void onChange(Runnable r) {
        this.onChange = r;
    }

    public synchronized void reload() {
        state = new State(settings.load(), List.copyOf(endpoints.list()));
        onChange.run();
    }

    /**
     * Starts noticing changes by other processes: on SQLite by polling every {@code periodMs}; on
     * PostgreSQL by listening for the configuration triggers' notifications.
     */
    public synchronized void watch(long periodMs) {
        if (watcher != null || listener != null) {
            return;
        }
        if (database.dialect() == Dialect.POSTGRES) {
            listener = new ConfigNotify(database, this::reloadQuietly);
            return;
        }
        watcher = Thread.ofPlatform().daemon().priority(Thread.MIN_PRIORITY).name("config-watch").start(() -> {
            try (Connection c = database.connection()) {
                long seen = dataVersion(c);
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(periodMs);
                    long now = dataVersion(c);
                    if (now != seen) {
                        seen = now;
                        reload();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.WARNING, "configuration watcher stopped: " + e.getMessage());
            }
        });
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not reload the configuration after a change: " + e.getMessage());
        }
    }

    private static long dataVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA data_version")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    public EndpointRepository endpointRepository() {
        return endpoints;
    }

    public SettingsRepository settingsRepository() {
        return settings;
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.interrupt();
            watcher = null;
        }
        if (listener != null) {
            listener.close();
            listener = null;
        }
    }
}
