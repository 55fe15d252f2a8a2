package dev.codeproxy.core.routing;

import dev.codeproxy.core.endpoint.Endpoint;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every endpoint's breaker, keyed by endpoint id so state survives configuration reloads (an
 * edited endpoint keeps its breaker; a deleted one's breaker is simply never asked again).
 */
public final class Breakers {
    /** Receives every breaker state change. */
    @FunctionalInterface
    public interface Listener {
        void changed(Endpoint endpoint, Breaker.State state, Instant until);
    }

    private final Clock clock;
    private final Listener listener;
    private final Map<Long, Breaker> byId = new ConcurrentHashMap<>();
    private final Map<Long, Endpoint> names = new ConcurrentHashMap<>();

    public Breakers(Clock clock, Listener listener) {
        this.clock = clock;
        this.listener = listener;
    }

    public Breaker of(Endpoint e) {
        names.put(e.id(), e);
        return byId.computeIfAbsent(e.id(), id -> new Breaker(clock, (s, t) -> listener.changed(names.get(id), s, t)));
    }

    public boolean healthy(Endpoint e) {
        return of(e).healthy();
    }

    public Clock clock() {
        return clock;
    }
}
