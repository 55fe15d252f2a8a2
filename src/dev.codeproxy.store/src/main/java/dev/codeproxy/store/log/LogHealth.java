package dev.codeproxy.store.log;

/**
 * Whether the request log is writing. While the database refuses writes (a full disk, most
 * often), finished requests wait in the log's bounded queue and are retried with backoff; past
 * the bound they are dropped and counted.
 *
 * @param failing  the last write failed and the rows wait
 * @param reason   SQLite's words for the failure (null when writing)
 * @param since    when it started failing (epoch ms; 0 when writing)
 * @param waiting  requests waiting to be written
 * @param dropped  requests never written, since start
 */
public record LogHealth(boolean failing, String reason, long since, long waiting, long dropped) {
    static final LogHealth OK = new LogHealth(false, null, 0, 0, 0);

    static LogHealth failing(String reason, long since) {
        return new LogHealth(true, reason, since, 0, 0);
    }

    LogHealth withWaiting(long waiting, long dropped) {
        return new LogHealth(failing, reason, since, waiting, dropped);
    }
}
