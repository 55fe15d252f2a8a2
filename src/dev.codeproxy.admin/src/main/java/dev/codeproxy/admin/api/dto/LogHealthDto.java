package dev.codeproxy.admin.api.dto;

/**
 * {@code /_/api/log-health}: whether the request log is writing (the dashboard's banner).
 *
 * @param failing the database refuses writes (full disk, I/O error): requests wait and are retried
 * @param reason  SQLite's words for the failure; null while writing
 * @param since   when writes started failing (epoch ms); null while writing
 * @param waiting requests waiting to be written
 * @param dropped requests never written since start (queue full, or failures past the bound)
 */
public record LogHealthDto(boolean failing, String reason, Long since, long waiting, long dropped) {
}
