package dev.codeproxy.store.usage;

import dev.codeproxy.core.usage.Usage;

/** Tokens and cost of one billed model within a period or session. */
public record ModelUsage(String model, long requests, Usage tokens, long costMicros) {
}
