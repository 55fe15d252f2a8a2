package dev.codeproxy.store.log;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Locale;

/**
 * Which write failures are the database's state rather than the rows': a full disk, an I/O
 * error, a file that cannot be opened or is read-only, a lock held too long. Rows that meet one
 * wait and are retried; any other failure is the row's own and loses only that row.
 */
final class LogFailure {
    private static final String[] TRANSIENT = {"SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_BUSY",
        "SQLITE_LOCKED", "SQLITE_READONLY", "SQLITE_PROTOCOL", "DISK IS FULL", "NO SPACE LEFT"};
    /**
     * PostgreSQL's SQLSTATE classes that are the server's state: connection lost or refused (08),
     * insufficient resources such as a full disk (53), operator intervention such as a restart
     * (57P), a transaction rolled back by a deadlock or serialization failure (40).
     */
    private static final String[] TRANSIENT_STATES = {"08", "53", "57P", "40"};

    private LogFailure() {
    }

    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                for (String state : TRANSIENT_STATES) {
                    if (sql.getSQLState().startsWith(state)) {
                        return true;
                    }
                }
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toUpperCase(Locale.ROOT);
            for (String s : TRANSIENT) {
                if (m.contains(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One line for the user: SQLite's words, without its code prefix. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof SQLException)) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        m = m.replaceFirst("^\\[SQLITE_[A-Z_]+\\]\\s*", "").strip();
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }
}
