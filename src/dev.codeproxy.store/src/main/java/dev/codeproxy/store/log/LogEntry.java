package dev.codeproxy.store.log;

import dev.codeproxy.core.usage.Usage;

/**
 * One row of the request log list, as a query reads it back. Not the same shape as {@link LogRow}
 * (the write side: a mutable row with the attempts, session, billing split and captured detail,
 * prepared off the transaction) nor as {@code RequestRecord} (what the proxy hands over, with raw
 * headers and bodies): this one carries what the list needs and what only a read can know
 * ({@code detailsKept}, once retention has pruned).
 *
 * @param outcome      {@code success}, {@code failed_over}, {@code client_error}, {@code upstream_error}
 * @param costMicros   cost in micro-USD (0 and {@code priced} false when the model has no price)
 * @param detailsKept  headers (and bodies, per capture mode) are still stored for this request
 * @param route        the route the request took ({@code default} or a rule's match; '' before routes)
 * @param instance     the instance that served it when several share one database ('' otherwise)
 */
public record LogEntry(long id,
                       long startedAtEpochMs,
                       String method,
                       String path,
                       String query,
                       String model,
                       String sentModel,
                       boolean stream,
                       int status,
                       String endpoint,
                       int attempts,
                       boolean failedOver,
                       String outcome,
                       long headersMs,
                       long firstTokenMs,
                       long totalMs,
                       Usage tokens,
                       long costMicros,
                       boolean priced,
                       String error,
                       boolean detailsKept,
                       String route,
                       String instance) {
}
