package dev.codeproxy.core.routing;

import dev.codeproxy.core.endpoint.Endpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Weighted, but one Claude Code session sticks to the endpoint it first got (its prompt cache
 * lives there) and moves only when that endpoint fails. Requests without a session key are
 * weighted. Remembers the most recent 10,000 sessions.
 */
final class SessionStrategy implements Strategy {
    private static final int MAX_SESSIONS = 10_000;

    private final WeightedStrategy weighted;
    private final Map<String, Long> sticky = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    SessionStrategy(RandomGenerator random) {
        this.weighted = new WeightedStrategy(random);
    }

    @Override
    public List<Endpoint> candidates(RouteRequest request, List<Endpoint> endpoints, Predicate<Endpoint> healthy) {
        List<Endpoint> base = weighted.candidates(request, endpoints, healthy);
        if (request.sessionKey() == null) {
            return base;
        }
        Long id;
        synchronized (sticky) {
            id = sticky.get(request.sessionKey());
        }
        if (id == null) {
            return base;
        }
        List<Endpoint> out = new ArrayList<>(base.size());
        for (Endpoint e : base) {
            if (e.id() == id) {
                out.addFirst(e);
            } else {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public void served(RouteRequest request, Endpoint endpoint) {
        if (request.sessionKey() != null) {
            synchronized (sticky) {
                sticky.put(request.sessionKey(), endpoint.id());
            }
        }
    }

    /** Where a session is pinned now, or null. */
    Long pinned(String sessionKey) {
        synchronized (sticky) {
            return sticky.get(sessionKey);
        }
    }
}
