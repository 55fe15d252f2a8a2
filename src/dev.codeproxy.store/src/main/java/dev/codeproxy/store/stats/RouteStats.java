package dev.codeproxy.store.stats;

import dev.codeproxy.core.usage.Usage;

/**
 * Usage of one route: requests that took it, their tokens and cost.
 *
 * @param route    a rule's match ({@code background}, {@code model:opus}, ...) or {@code default}
 * @param errors   client_error + upstream_error requests
 * @param unpriced requests whose model has no price
 */
public record RouteStats(String route, long requests, long errors, Usage tokens, long costMicros, long unpriced) {
}
