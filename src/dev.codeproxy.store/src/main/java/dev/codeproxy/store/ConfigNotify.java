package dev.codeproxy.store;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One configuration for every instance on a shared PostgreSQL database. Triggers on the
 * configuration tables send a notification on channel {@value #CHANNEL} whenever a commit
 * changes them (whoever wrote: an instance's dashboard, a {@code code-proxy endpoint set} run
 * elsewhere, plain SQL); each instance holds one connection that LISTENs and reloads its
 * {@link ConfigSnapshot} when one arrives, so a change is in force everywhere within the time a
 * notification takes to travel (milliseconds), with no polling. The listening connection is
 * reopened after a failure (1 s apart), and the configuration reloaded then, since notifications
 * sent while it was gone are lost.
 *
 * <p>Only configuration tables carry the trigger: the log and the aggregates change with every
 * request and would make every instance reload all the time. {@code client_tokens}' last-use
 * stamp is ignored for the same reason.
 */
final class ConfigNotify implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConfigNotify.class.getName());

    static final String CHANNEL = "code_proxy_config";
    /** Tables whose changes are configuration (those that exist get the trigger). */
    static final List<String> TABLES = List.of("endpoints", "settings", "price_overrides", "store_meta",
            "client_tokens", "client_token_limits");
    /** Columns whose change alone is bookkeeping, not configuration. */
    static final List<String> IGNORED_COLUMNS = List.of("last_used_at");
    /** Wait between reconnection attempts. */
    static final long RECONNECT_MS = 1000;
    /** Longest wait for a notification before checking whether to stop. */
    static final int WAIT_MS = 500;

    /** Creates (or replaces) the notifying function and the triggers; idempotent, under the migrations' lock. */
    static void install(Connection c) throws SQLException {
        StringBuilder ignored = new StringBuilder();
        for (String col : IGNORED_COLUMNS) {
            ignored.append(" - '").append(col).append('\'');
        }
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + Migrations.MIGRATION_LOCK + ")");
            try {
                st.execute("""
                        CREATE OR REPLACE FUNCTION code_proxy_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN
                            IF TG_OP = 'UPDATE' AND (to_jsonb(OLD)%1$s) = (to_jsonb(NEW)%1$s) THEN
                                RETURN NULL;
                            END IF;
                            PERFORM pg_notify('%2$s', TG_TABLE_NAME);
                            RETURN NULL;
                        END $$""".formatted(ignored, CHANNEL));
                for (String table : TABLES) {
                    boolean exists;
                    try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
                        exists = rs.next() && rs.getBoolean(1);
                    }
                    if (exists) {
                        st.execute("CREATE OR REPLACE TRIGGER code_proxy_config_changed AFTER INSERT OR UPDATE OR DELETE ON "
                                + table + " FOR EACH ROW EXECUTE FUNCTION code_proxy_config_changed()");
                    }
                }
            } finally {
                st.execute("SELECT pg_advisory_unlock(" + Migrations.MIGRATION_LOCK + ")");
            }
        }
    }

    private final Database database;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Starts listening: {@code onChange} runs on the listener's platform thread for every change.
     * The first LISTEN is done before this returns, so no change committed after it is missed.
     */
    ConfigNotify(Database database, Runnable onChange) {
        this.database = database;
        this.onChange = onChange;
        Connection first = null;
        try {
            first = listen();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "configuration listener cannot connect to " + database.describe() + " ("
                    + e.getMessage() + "); it keeps trying, changes by other instances are seen once it is in");
        }
        Connection opened = first;
        this.thread = Thread.ofPlatform().daemon().priority(Thread.MIN_PRIORITY).name("config-listen").start(() -> run(opened));
    }

    private Connection listen() throws SQLException {
        Connection c = database.connection();
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void run(Connection opened) {
        Connection c = opened;
        boolean warned = opened == null;
        while (!closed) {
            try {
                if (c == null) {
                    c = listen();
                    // changes made while no connection listened sent notifications nobody heard
                    onChange.run();
                    if (warned) {
                        LOG.info("configuration listener: connected to " + database.describe());
                        warned = false;
                    }
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] got = pg.getNotifications(WAIT_MS);
                    if (got != null && got.length > 0) {
                        onChange.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                if (!warned) {
                    LOG.log(Level.WARNING, "configuration listener lost its connection to " + database.describe()
                            + " (" + e.getMessage() + "); changes made by other instances are seen when it is back");
                    warned = true;
                }
                closeQuietly(c);
                c = null;
                try {
                    Thread.sleep(RECONNECT_MS);
                } catch (InterruptedException ie) {
                    break;
                }
            }
        }
        closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // the connection is being dropped anyway
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
