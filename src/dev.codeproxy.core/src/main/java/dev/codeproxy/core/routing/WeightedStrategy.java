package dev.codeproxy.core.routing;

import dev.codeproxy.core.endpoint.Endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/** One healthy endpoint chosen at random by weight, then every other enabled endpoint by priority as fallbacks. */
final class WeightedStrategy implements Strategy {
    private final RandomGenerator random;

    WeightedStrategy(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public List<Endpoint> candidates(RouteRequest request, List<Endpoint> endpoints, Predicate<Endpoint> healthy) {
        List<Endpoint> enabled = Strategy.enabledByPriority(endpoints);
        Endpoint pick = pick(enabled.stream().filter(healthy).toList());
        if (pick == null) {
            return enabled;
        }
        List<Endpoint> out = new ArrayList<>(enabled.size());
        out.add(pick);
        for (Endpoint e : enabled) {
            if (e != pick) {
                out.add(e);
            }
        }
        return out;
    }

    /** Weighted random choice, or null when there is nothing to choose from. */
    Endpoint pick(List<Endpoint> from) {
        long total = 0;
        for (Endpoint e : from) {
            total += Math.max(1, e.weight());
        }
        if (total == 0) {
            return null;
        }
        long r = random.nextLong(total);
        for (Endpoint e : from) {
            r -= Math.max(1, e.weight());
            if (r < 0) {
                return e;
            }
        }
        return from.getLast();
    }
}
