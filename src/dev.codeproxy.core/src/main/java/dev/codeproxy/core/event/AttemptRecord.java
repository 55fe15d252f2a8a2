package dev.codeproxy.core.event;

/**
 * One try of one endpoint, as the log keeps it.
 *
 * @param outcome   see {@link ProxyEvent.AttemptFinished#outcome()}
 * @param startedMs offset from the request's start
 */
public record AttemptRecord(int attempt, String endpoint, String sentModel, String outcome, int status,
                            long startedMs, long headersMs, long durationMs) {
}
