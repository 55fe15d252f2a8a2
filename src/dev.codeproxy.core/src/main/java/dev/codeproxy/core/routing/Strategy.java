package dev.codeproxy.core.routing;

import dev.codeproxy.core.Endpoint;

import java.util.List;

/** Orders the upstream candidates for one request. One small type per policy. */
public interface Strategy {
    /**
     * @param request   what the strategy may look at
     * @param endpoints every configured endpoint, in priority order (disabled ones included)
     * @return the endpoints to try, in order; never a disabled one
     */
    List<Endpoint> candidates(RouteRequest request, List<Endpoint> endpoints);
}
