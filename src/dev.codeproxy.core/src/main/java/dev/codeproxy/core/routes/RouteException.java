package dev.codeproxy.core.routes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Rules that cannot be accepted: problems keyed by field path, e.g. {@code routes[1].endpoints}. */
public class RouteException extends IllegalArgumentException {
    private final Map<String, String> problems;

    public RouteException(Map<String, String> problems) {
        super(describe(problems));
        this.problems = Collections.unmodifiableMap(new LinkedHashMap<>(problems));
    }

    public Map<String, String> problems() {
        return problems;
    }

    private static String describe(Map<String, String> problems) {
        StringBuilder sb = new StringBuilder();
        problems.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : "; ").append(k).append(": ").append(v));
        return sb.toString();
    }
}
