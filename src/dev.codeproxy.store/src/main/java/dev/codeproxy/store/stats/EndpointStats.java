package dev.codeproxy.store.stats;

/**
 * One endpoint over a range. Request counts are by the endpoint that served the request (or was
 * tried last); attempt counts include tries that failed over to another endpoint.
 *
 * @param errorRate          (clientErrors + upstreamErrors) / requests, 0 when none
 * @param attemptFailures    tries that failed because of the endpoint (connect, timeout, 5xx, 429, 401/403, broken stream)
 * @param attemptFailureRate attemptFailures / attempts, 0 when none
 * @param total              time from arrival to the end of the response, served requests only
 * @param firstToken         time from arrival to the first content delta, served requests that had one
 */
public record EndpointStats(String endpoint, long requests, long success, long failedOver, long clientErrors,
                            long upstreamErrors, double errorRate, long attempts, long attemptFailures,
                            double attemptFailureRate, Latency total, Latency firstToken) {
}
