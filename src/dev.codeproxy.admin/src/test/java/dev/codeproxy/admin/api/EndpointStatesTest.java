package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.routing.Breakers;
import dev.codeproxy.core.settings.ConfigSource;
import dev.codeproxy.core.settings.Settings;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The endpoint states the live channel, the admin API and the metrics share, from real breakers. */
class EndpointStatesTest {
    private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    private static Endpoint ep(long id, int priority, boolean enabled) {
        return new Endpoint(id, "e" + id, "", enabled, priority, 1, "https://x" + id, "k", AuthStyle.X_API_KEY,
                Endpoint.DEFAULT_TIMEOUT_MS, ModelMap.EMPTY, false);
    }

    private static List<String> names(List<Shared.EndpointState> states) {
        return states.stream().map(s -> s.name() + "=" + s.state()).toList();
    }

    @Test
    void beforeTheDataPlaneIsThereEveryEnabledEndpointIsHealthy() {
        var states = new EndpointStates(ConfigSource.of(Settings.DEFAULTS, List.of(ep(1, 1, true), ep(2, 2, false))),
                () -> null);
        assertEquals(List.of("e1=healthy", "e2=disabled"), names(states.all()));
        assertNull(states.all().getFirst().until());
    }

    @Test
    void eachBreakerStateByItsDashboardNameWithTheTimeItEnds() {
        Endpoint open = ep(1, 1, true);
        Endpoint cooling = ep(2, 2, true);
        Endpoint auth = ep(3, 3, true);
        Endpoint fine = ep(4, 4, true);
        Endpoint off = ep(5, 5, false);
        Breakers breakers = new Breakers(clock, (e, state, until) -> { });
        breakers.of(open).onFailure(1, Duration.ofSeconds(30));
        breakers.of(cooling).onRateLimited(Duration.ofSeconds(5));
        breakers.of(auth).onAuthFailed();
        // a disabled endpoint is disabled whatever its breaker says
        breakers.of(off).onAuthFailed();

        var states = new EndpointStates(ConfigSource.of(Settings.DEFAULTS, List.of(open, cooling, auth, fine, off)),
                () -> breakers);
        List<Shared.EndpointState> all = states.all();
        assertEquals(List.of("e1=open", "e2=cooldown", "e3=auth_failed", "e4=healthy", "e5=disabled"), names(all));
        assertEquals(NOW.plusSeconds(30).toEpochMilli(), all.get(0).until());
        assertEquals(NOW.plusSeconds(5).toEpochMilli(), all.get(1).until());
        assertEquals(NOW.plus(Duration.ofMinutes(10)).toEpochMilli(), all.get(2).until());
        assertNull(all.get(3).until());
        assertNull(all.get(4).until());
        assertEquals(all.get(1), states.of(cooling));
    }

    @Test
    void theBreakersAreReadWhenAskedNotWhenBuilt() {
        AtomicReference<Breakers> attached = new AtomicReference<>();
        Endpoint e = ep(1, 1, true);
        var states = new EndpointStates(ConfigSource.of(Settings.DEFAULTS, List.of(e)), attached::get);
        assertEquals("healthy", states.of(e).state());

        Breakers breakers = new Breakers(clock, (x, state, until) -> { });
        breakers.of(e).onAuthFailed();
        attached.set(breakers);
        assertEquals("auth_failed", states.of(e).state());
    }
}
