package dev.codeproxy.core.routing;

import dev.codeproxy.core.Endpoint;

import java.util.Comparator;
import java.util.List;

/** Enabled endpoints in priority order: all traffic goes to the first, so its prompt cache stays warm. */
public final class FailoverStrategy implements Strategy {
    @Override
    public List<Endpoint> candidates(RouteRequest request, List<Endpoint> endpoints) {
        return endpoints.stream()
                .filter(Endpoint::enabled)
                .sorted(Comparator.comparingInt(Endpoint::priority).thenComparingLong(Endpoint::id))
                .toList();
    }
}
