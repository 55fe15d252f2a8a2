package dev.codeproxy.core.routes;

import dev.codeproxy.core.wire.Json;
import dev.codeproxy.core.wire.RequestBody;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code routes} setting: an ordered list of {@link Route}s, the first that matches wins; no
 * match means the default (every endpoint, as without routes). Parsed once at the edge (import,
 * admin API, command line, settings load), matched per request without allocating.
 *
 * @param rules the rules in order
 */
public record Routes(List<Route> rules) {
    public static final Routes NONE = new Routes(List.of());
    /** The route name of a request no rule matched ({@code x-code-proxy-route}, the log). */
    public static final String DEFAULT = "default";
    /** The keys a rule may have. */
    public static final Set<String> KEYS = Set.of("match", "minInputTokens", "endpoints", "model");
    /** Rules accepted at most (a long list is a mistake, and each costs a comparison per request). */
    static final int MAX_RULES = 100;

    public Routes {
        rules = List.copyOf(rules);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /**
     * The first rule a request matches, or null for the default.
     *
     * @param body        the request as {@link RequestBody#scan} saw it
     * @param agentHeader whether the request carries {@code x-claude-code-agent-id} (a subagent)
     */
    public Route match(RequestBody body, boolean agentHeader) {
        for (int i = 0; i < rules.size(); i++) {
            Route r = rules.get(i);
            if (r.kind().test(r, body, agentHeader)) {
                return r;
            }
        }
        return null;
    }

    /** The rules as a JSON array (the setting's stored and exported form). */
    public String json() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < rules.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(rules.get(i).json());
        }
        return sb.append(']').toString();
    }

    /** A copy with {@code rule} inserted at {@code index} (0-based, clamped to the end). */
    public Routes with(int index, Route rule) {
        List<Route> l = new ArrayList<>(rules);
        l.add(Math.max(0, Math.min(index, l.size())), rule);
        return new Routes(l);
    }

    /** A copy without the rule at {@code index}. */
    public Routes without(int index) {
        List<Route> l = new ArrayList<>(rules);
        l.remove(index);
        return new Routes(l);
    }

    /** A copy with the rule at {@code from} moved to {@code to}. */
    public Routes moved(int from, int to) {
        List<Route> l = new ArrayList<>(rules);
        Route r = l.remove(from);
        l.add(Math.max(0, Math.min(to, l.size())), r);
        return new Routes(l);
    }

    /** Parses the stored form; {@link RouteException} names every problem (endpoints not checked). */
    public static Routes parse(String json) {
        return parse(json, null);
    }

    /**
     * Parses a JSON array of rules.
     *
     * @param endpointNames the endpoints that exist (an unknown one is an error), null not to check
     * @throws RouteException with every problem, keyed {@code routes[i].field}
     */
    public static Routes parse(String json, Collection<String> endpointNames) {
        JsonValue v;
        try (var r = Json.provider().createReader(new StringReader(json == null ? "" : json))) {
            v = r.readValue();
        } catch (RuntimeException e) {
            throw new RouteException(Map.of("routes", "is not valid JSON; expected an array of rules such as "
                    + "[{\"match\":\"background\",\"endpoints\":[\"cheap\"]}]"));
        }
        return of(v, "routes", endpointNames);
    }

    /**
     * Reads rules from a JSON value.
     *
     * @param path          the field path problems are named by, e.g. {@code routes} or {@code $.settings.routes}
     * @param endpointNames the endpoints that exist, null not to check
     */
    public static Routes of(JsonValue v, String path, Collection<String> endpointNames) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (!(v instanceof JsonArray arr)) {
            problems.put(path, "expected an array of rules, got " + describe(v));
            throw new RouteException(problems);
        }
        if (arr.size() > MAX_RULES) {
            problems.put(path, "has " + arr.size() + " rules; at most " + MAX_RULES + " are accepted");
            throw new RouteException(problems);
        }
        Set<String> known = endpointNames == null ? null : lowerSet(endpointNames);
        List<Route> rules = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String p = path + "[" + i + "]";
            if (!(arr.get(i) instanceof JsonObject o)) {
                problems.put(p, "expected an object with match and endpoints, got " + describe(arr.get(i)));
                continue;
            }
            Route r = rule(o, p, known, problems);
            if (r != null) {
                rules.add(r);
            }
        }
        if (!problems.isEmpty()) {
            throw new RouteException(problems);
        }
        return new Routes(rules);
    }

    /**
     * One rule from its fields, checked; null (with problems added) when it is not accepted.
     *
     * @param known lower-case endpoint names that exist, null not to check
     */
    public static Route rule(JsonObject o, String p, Set<String> known, Map<String, String> problems) {
        int before = problems.size();
        for (String k : o.keySet()) {
            if (!KEYS.contains(k)) {
                problems.put(p + "." + k, "unknown field; accepted fields are " + String.join(", ", new TreeSet<>(KEYS)));
            }
        }
        String match = null;
        RouteKind kind = null;
        if (!(o.get("match") instanceof JsonString ms)) {
            problems.put(p + ".match", (o.containsKey("match") ? describe(o.get("match")) + " is not accepted"
                    : "is missing") + "; expected " + RouteKind.accepted());
        } else {
            match = ms.getString().strip();
            kind = RouteKind.of(match);
            if (kind == null) {
                problems.put(p + ".match", "unknown kind '" + match + "'; expected " + RouteKind.accepted());
            } else if (kind == RouteKind.MODEL && match.length() == "model:".length()) {
                problems.put(p + ".match", "'model:' needs a substring of the model id, e.g. model:opus");
            }
        }
        long min = kind == RouteKind.LONG_CONTEXT ? Route.DEFAULT_MIN_INPUT_TOKENS : 0;
        JsonValue mv = o.get("minInputTokens");
        if (mv != null && mv != JsonValue.NULL) {
            if (!(mv instanceof JsonNumber n) || !n.isIntegral()) {
                problems.put(p + ".minInputTokens", describe(mv) + " is not accepted; expected an integer >= 0");
            } else if (n.longValue() < 0) {
                problems.put(p + ".minInputTokens", "is " + n + "; a threshold cannot be negative, expected an integer >= 0");
            } else if (kind != null && kind != RouteKind.LONG_CONTEXT) {
                problems.put(p + ".minInputTokens", "applies to longContext rules only, not to '" + match + "'");
            } else {
                min = n.longValue();
            }
        }
        List<String> endpoints = new ArrayList<>();
        JsonValue ev = o.get("endpoints");
        if (!(ev instanceof JsonArray ea) || ea.isEmpty()) {
            problems.put(p + ".endpoints", (ev == null ? "is missing" : describe(ev) + " is not accepted")
                    + "; expected a non-empty array of endpoint names, tried in that order");
        } else {
            Set<String> seen = new HashSet<>();
            for (int j = 0; j < ea.size(); j++) {
                String ep = p + ".endpoints[" + j + "]";
                if (!(ea.get(j) instanceof JsonString es) || es.getString().isBlank()) {
                    problems.put(ep, describe(ea.get(j)) + " is not accepted; expected an endpoint name");
                    continue;
                }
                String name = es.getString().strip();
                if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                    problems.put(ep, "'" + name + "' appears twice in this rule");
                } else if (known != null && !known.contains(name.toLowerCase(Locale.ROOT))) {
                    problems.put(ep, "unknown endpoint '" + name + "'" + (known.isEmpty() ? "; there are no endpoints yet"
                            : "; known endpoints: " + String.join(", ", new TreeSet<>(known))));
                }
                endpoints.add(name);
            }
        }
        String model = "";
        JsonValue mo = o.get("model");
        if (mo != null && mo != JsonValue.NULL) {
            if (!(mo instanceof JsonString s) || s.getString().length() > 200
                    || s.getString().chars().anyMatch(c -> c < 0x20)) {
                problems.put(p + ".model", describe(mo) + " is not accepted; expected a model id (text of at most 200 "
                        + "characters), or leave it out to keep the request's model");
            } else {
                model = s.getString().strip();
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new Route(match, kind, min, endpoints, model);
    }

    private static Set<String> lowerSet(Collection<String> names) {
        Set<String> s = new TreeSet<>();
        for (String n : names) {
            s.add(n.toLowerCase(Locale.ROOT));
        }
        return s;
    }

    static String describe(JsonValue v) {
        if (v == null) {
            return "nothing";
        }
        return switch (v.getValueType()) {
            case STRING -> "the string '" + ((JsonString) v).getString() + "'";
            case NUMBER -> "the number " + v;
            case TRUE, FALSE -> "the boolean " + v;
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
        };
    }
}
