package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.routing.Breaker;
import dev.codeproxy.core.routing.Breakers;
import dev.codeproxy.core.settings.ConfigSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every endpoint's live state as the dashboard shows it: disabled, or its breaker's state
 * ({@code healthy}, {@code open}, {@code cooldown}, {@code half_open}, {@code auth_failed}) with
 * the time it ends. The one source the live channel's snapshots, the admin API and the metrics
 * read; built before either of them.
 */
public final class EndpointStates {
    private final ConfigSource config;
    private final Supplier<Breakers> breakers;

    /**
     * @param config   the live endpoints
     * @param breakers the data plane's breakers; null (or a null supplier result) while there is
     *                 no data plane: every enabled endpoint is then {@code healthy}
     */
    public EndpointStates(ConfigSource config, Supplier<Breakers> breakers) {
        this.config = config;
        this.breakers = breakers;
    }

    /** Every endpoint's state, in priority order. */
    public List<Shared.EndpointState> all() {
        Breakers b = breakers.get();
        List<Shared.EndpointState> out = new ArrayList<>();
        for (Endpoint e : config.endpoints()) {
            out.add(of(e, b));
        }
        return out;
    }

    /** One endpoint's state. */
    public Shared.EndpointState of(Endpoint e) {
        return of(e, breakers.get());
    }

    static Shared.EndpointState of(Endpoint e, Breakers breakers) {
        if (!e.enabled()) {
            return new Shared.EndpointState(e.id(), e.name(), false, e.priority(), "disabled", null);
        }
        if (breakers == null) {
            return new Shared.EndpointState(e.id(), e.name(), true, e.priority(), "healthy", null);
        }
        Breaker b = breakers.of(e);
        Breaker.State s = b.state();
        long until = b.until().toEpochMilli();
        String name = switch (s) {
            case CLOSED -> "healthy";
            case OPEN -> "open";
            case COOLDOWN -> "cooldown";
            case HALF_OPEN -> "half_open";
            case AUTH_FAILED -> "auth_failed";
        };
        boolean timed = s == Breaker.State.OPEN || s == Breaker.State.COOLDOWN || s == Breaker.State.AUTH_FAILED;
        return new Shared.EndpointState(e.id(), e.name(), true, e.priority(), name, timed ? until : null);
    }
}
