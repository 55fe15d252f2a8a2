package dev.codeproxy.core.routing;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.settings.RoutingMode;

import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/** Orders the upstream candidates for one request. One small type per policy. */
public interface Strategy {
    /**
     * @param request   what the strategy may look at
     * @param endpoints every configured endpoint, in priority order (disabled ones included)
     * @param healthy   whether an endpoint's breaker is closed
     * @return the endpoints to try, in order; never a disabled one
     */
    List<Endpoint> candidates(RouteRequest request, List<Endpoint> endpoints, Predicate<Endpoint> healthy);

    /** Told which endpoint served a request (session stickiness follows it). */
    default void served(RouteRequest request, Endpoint endpoint) {
    }

    /** The strategy for a routing setting. */
    static Strategy of(RoutingMode mode, RandomGenerator random) {
        return switch (mode) {
            case FAILOVER -> new FailoverStrategy();
            case WEIGHTED -> new WeightedStrategy(random);
            case SESSION -> new SessionStrategy(random);
        };
    }

    /** Enabled endpoints in priority order. */
    static List<Endpoint> enabledByPriority(List<Endpoint> endpoints) {
        return endpoints.stream()
                .filter(Endpoint::enabled)
                .sorted(Comparator.comparingInt(Endpoint::priority).thenComparingLong(Endpoint::id))
                .toList();
    }
}
