package dev.codeproxy.store.usage;

import dev.codeproxy.core.usage.Usage;

/**
 * One request of a session's timeline (from the request log, so only requests it still holds).
 *
 * @param switched served by another endpoint than the session's previous served request
 */
public record SessionRequest(long id, long startedAt, String model, String endpoint, int status, String outcome,
                             int attempts, long totalMs, Usage tokens, long costMicros, boolean switched) {
}
