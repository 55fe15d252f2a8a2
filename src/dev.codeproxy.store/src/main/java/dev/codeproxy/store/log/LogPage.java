package dev.codeproxy.store.log;

import java.util.List;

/**
 * One page of the log list, newest first.
 *
 * @param nextBefore pass as {@code before} for the next (older) page; null when this is the last
 */
public record LogPage(List<LogEntry> entries, Long nextBefore) {
}
