package dev.codeproxy.store.stats;

import dev.codeproxy.core.usage.Usage;

/**
 * Usage of one model: what the client asked for and what was sent upstream (they differ when an
 * endpoint maps models).
 *
 * @param errors client_error + upstream_error requests
 */
public record ModelStats(String model, String sentModel, long requests, long errors, long failedOver, Usage tokens,
                         long costMicros, long unpriced) {
}
