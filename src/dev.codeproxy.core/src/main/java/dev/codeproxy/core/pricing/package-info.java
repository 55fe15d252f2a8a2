/**
 * Prices per model (the bundled table and the user's overrides) and the one cost function,
 * {@link dev.codeproxy.core.pricing.Cost#of}, in integer micro-dollars. Used by the request log,
 * the statistics and the admin API.
 */
package dev.codeproxy.core.pricing;
