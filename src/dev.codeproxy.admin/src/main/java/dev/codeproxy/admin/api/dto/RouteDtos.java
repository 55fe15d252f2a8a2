package dev.codeproxy.admin.api.dto;

import dev.codeproxy.core.routes.Route;
import dev.codeproxy.core.routes.RouteKind;

import java.util.ArrayList;
import java.util.List;

/** {@code /_/api/routes}: the routes setting, rule by rule, and the test of a pasted request body. */
public final class RouteDtos {
    private RouteDtos() {
    }

    /**
     * One rule as stored; {@code index} is its place (0 first, the first match wins).
     *
     * @param minInputTokens only for {@code longContext}, else null
     * @param model          the model sent instead of the client's, null for none
     */
    public record Rule(int index, String match, Long minInputTokens, List<String> endpoints, String model) {
        public static Rule of(int index, Route r) {
            return new Rule(index, r.match(), r.kind() == RouteKind.LONG_CONTEXT ? r.minInputTokens() : null,
                    r.endpoints(), r.model().isEmpty() ? null : r.model());
        }
    }

    /** @param kinds the accepted {@code match} values ({@code model:} takes a substring) */
    public record Routes(List<Rule> routes, List<String> kinds) {
        public static Routes of(dev.codeproxy.core.routes.Routes routes) {
            List<Rule> out = new ArrayList<>();
            for (int i = 0; i < routes.rules().size(); i++) {
                out.add(Rule.of(i, routes.rules().get(i)));
            }
            List<String> kinds = new ArrayList<>();
            for (RouteKind k : RouteKind.values()) {
                kinds.add(k.wire());
            }
            return new Routes(out, kinds);
        }
    }

    /** What the one pass over a request body noted (what the kinds are decided from). */
    public record Detected(String model, boolean thinking, int tools, boolean webSearch, boolean image,
                           boolean subagent, long estimatedInputTokens, long maxTokens) {
    }

    /**
     * Which rule a body matches.
     *
     * @param route     the rule's match, or {@code default}
     * @param index     the rule's index, -1 for the default
     * @param endpoints the group it goes to; empty for the default (every endpoint)
     * @param model     the model the rule sends, null for none
     */
    public record TestResult(String route, int index, List<String> endpoints, String model, Detected detected) {
    }
}
