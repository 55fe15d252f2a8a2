package dev.codeproxy.core.routing;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrategyTest {
    private static Endpoint ep(long id, String name, int priority, int weight, boolean enabled) {
        return new Endpoint(id, name, "", enabled, priority, weight, "https://" + name + ".example.com", "k",
                AuthStyle.X_API_KEY, 600_000, ModelMap.EMPTY, false);
    }

    private final Endpoint a = ep(1, "a", 1, 1, true);
    private final Endpoint b = ep(2, "b", 2, 3, true);
    private final Endpoint c = ep(3, "c", 3, 6, true);
    private final Endpoint off = ep(4, "off", 0, 100, false);
    private final List<Endpoint> all = List.of(off, a, b, c);

    @Test
    void failoverIsPriorityOrderWithoutDisabled() {
        assertEquals(List.of(a, b, c), new FailoverStrategy().candidates(new RouteRequest(null), all, e -> true));
    }

    @Test
    void weightedPicksWithinFivePercentOfTheWeightsOver10000SeededPicks() {
        WeightedStrategy w = new WeightedStrategy(new SplittableRandom(42));
        Map<String, Integer> firsts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            List<Endpoint> c1 = w.candidates(new RouteRequest(null), all, e -> true);
            assertEquals(3, c1.size());
            firsts.merge(c1.getFirst().name(), 1, Integer::sum);
        }
        assertEquals(1_000, firsts.get("a"), 500, firsts.toString());
        assertEquals(3_000, firsts.get("b"), 500, firsts.toString());
        assertEquals(6_000, firsts.get("c"), 500, firsts.toString());
        assertTrue(!firsts.containsKey("off"));
    }

    @Test
    void weightedChoosesAmongHealthyOnlyThenTheOthersByPriority() {
        WeightedStrategy w = new WeightedStrategy(new SplittableRandom(1));
        for (int i = 0; i < 200; i++) {
            List<Endpoint> got = w.candidates(new RouteRequest(null), all, e -> e != c);
            assertTrue(got.getFirst() != c);
            assertEquals(3, got.size());
            assertEquals(c, got.stream().filter(e -> e == c).findFirst().orElseThrow());
        }
        // nothing healthy: priority order
        assertEquals(List.of(a, b, c), w.candidates(new RouteRequest(null), all, e -> false));
    }

    @Test
    void sessionSticksUntilTheEndpointFails() {
        SessionStrategy s = new SessionStrategy(new SplittableRandom(3));
        RouteRequest r = new RouteRequest("session-1");
        Endpoint first = s.candidates(r, all, e -> true).getFirst();
        s.served(r, first);
        for (int i = 0; i < 100; i++) {
            assertEquals(first, s.candidates(r, all, e -> true).getFirst());
        }
        // its endpoint failed and another one served: the session moves and stays there
        Endpoint other = first == a ? b : a;
        s.served(r, other);
        for (int i = 0; i < 100; i++) {
            assertEquals(other, s.candidates(r, all, e -> true).getFirst());
        }
        assertEquals(other.id(), s.pinned("session-1"));
    }
}
