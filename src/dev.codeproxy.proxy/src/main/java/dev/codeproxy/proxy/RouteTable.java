package dev.codeproxy.proxy;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.routes.Route;
import dev.codeproxy.core.routes.Routes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The endpoint group of each route, resolved once per configuration (routes and endpoints are
 * immutable snapshots, so identity tells when to rebuild): a request looks its group up without
 * allocating. Group members get priorities 1, 2, ... in the rule's order, so the failover order
 * inside a group is the rule's; names of endpoints that no longer exist are left out.
 */
final class RouteTable {
    private final Routes routes;
    private final List<Endpoint> endpoints;
    private final Map<Route, List<Endpoint>> groups = new IdentityHashMap<>();

    private RouteTable(Routes routes, List<Endpoint> endpoints) {
        this.routes = routes;
        this.endpoints = endpoints;
        for (Route r : routes.rules()) {
            List<Endpoint> g = new ArrayList<>();
            for (String name : r.endpoints()) {
                for (Endpoint e : endpoints) {
                    if (e.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                        g.add(e.withPriority(g.size() + 1));
                        break;
                    }
                }
            }
            groups.put(r, List.copyOf(g));
        }
    }

    /** The table for this configuration: {@code current} when it was built from the same one. */
    static RouteTable of(RouteTable current, Routes routes, List<Endpoint> endpoints) {
        if (current != null && current.routes == routes && current.endpoints == endpoints) {
            return current;
        }
        return new RouteTable(routes, endpoints);
    }

    /** The endpoints of a rule of this table, in its order. */
    List<Endpoint> group(Route r) {
        List<Endpoint> g = groups.get(r);
        return g == null ? List.of() : g;
    }
}
