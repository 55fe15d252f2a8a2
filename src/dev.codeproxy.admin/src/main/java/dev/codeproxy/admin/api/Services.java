package dev.codeproxy.admin.api;

import dev.codeproxy.admin.ServerControl;
import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.admin.live.EventBroker;
import dev.codeproxy.admin.tokens.ClientTokens;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.routing.Breaker;
import dev.codeproxy.core.routing.Breakers;
import dev.codeproxy.proxy.ProxyService;
import dev.codeproxy.store.ConfigSnapshot;
import dev.codeproxy.store.PriceRepository;
import dev.codeproxy.store.log.LogQueries;
import dev.codeproxy.store.stats.StatsQueries;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the API resources work with, handed in by the control plane.
 *
 * @param proxy          the data plane (its breakers and requests in flight); set once the server is built
 * @param pricesChanged  called after the price overrides changed, with the new table
 */
public record Services(ConfigSnapshot config, LogQueries logs, StatsQueries stats, PriceRepository prices,
                       ClientTokens tokens, EventBroker broker, Supplier<ProxyService> proxy, ServerControl server,
                       Clock clock, Consumer<PriceTable> pricesChanged) {

    public Breakers breakers() {
        ProxyService p = proxy.get();
        if (p == null) {
            throw new IllegalStateException("the proxy is not attached to the control plane yet");
        }
        return p.breakers();
    }

    /** Every endpoint's live state, in priority order. */
    public List<Shared.EndpointState> endpointStates() {
        List<Shared.EndpointState> out = new ArrayList<>();
        ProxyService p = proxy.get();
        for (Endpoint e : config.endpoints()) {
            out.add(state(e, p == null ? null : p.breakers()));
        }
        return out;
    }

    public Shared.EndpointState state(Endpoint e) {
        ProxyService p = proxy.get();
        return state(e, p == null ? null : p.breakers());
    }

    static Shared.EndpointState state(Endpoint e, Breakers breakers) {
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
