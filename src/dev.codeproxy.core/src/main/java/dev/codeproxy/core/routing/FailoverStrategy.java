package dev.codeproxy.core.routing;

import dev.codeproxy.core.endpoint.Endpoint;

import java.util.List;
import java.util.function.Predicate;

/**
 * Enabled endpoints in priority order: all traffic goes to the first healthy one, so its prompt
 * cache stays warm; when a higher-priority endpoint's probe succeeds, traffic returns to it.
 */
final class FailoverStrategy implements Strategy {
    @Override
    public List<Endpoint> candidates(RouteRequest request, List<Endpoint> endpoints, Predicate<Endpoint> healthy) {
        return Strategy.enabledByPriority(endpoints);
    }
}
