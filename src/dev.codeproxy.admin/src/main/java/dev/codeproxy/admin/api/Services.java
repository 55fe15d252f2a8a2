package dev.codeproxy.admin.api;

import dev.codeproxy.admin.ServerControl;
import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.admin.live.EventBroker;
import dev.codeproxy.admin.tokens.ClientTokens;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.routing.Breakers;
import dev.codeproxy.proxy.ProxyService;
import dev.codeproxy.store.ConfigSnapshot;
import dev.codeproxy.store.PriceRepository;
import dev.codeproxy.store.log.LogQueries;
import dev.codeproxy.store.stats.StatsQueries;

import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the API resources work with, handed in by the control plane.
 *
 * @param states         every endpoint's live state (shared with the live channel)
 * @param proxy          the data plane (its breakers and requests in flight); set once the server is built
 * @param pricesChanged  called after the price overrides changed, with the new table
 */
public record Services(ConfigSnapshot config, LogQueries logs, StatsQueries stats, PriceRepository prices,
                       ClientTokens tokens, EventBroker broker, EndpointStates states, Supplier<ProxyService> proxy,
                       ServerControl server, Clock clock, Consumer<PriceTable> pricesChanged) {

    public Breakers breakers() {
        ProxyService p = proxy.get();
        if (p == null) {
            throw new IllegalStateException("the proxy is not attached to the control plane yet");
        }
        return p.breakers();
    }

    /** Every endpoint's live state, in priority order. */
    public List<Shared.EndpointState> endpointStates() {
        return states.all();
    }

    public Shared.EndpointState state(Endpoint e) {
        return states.of(e);
    }
}
