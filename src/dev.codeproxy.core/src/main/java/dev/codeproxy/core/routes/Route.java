package dev.codeproxy.core.routes;

import dev.codeproxy.core.wire.Json;

import java.util.List;
import java.util.Objects;

/**
 * One routing rule (plain data): requests of a kind go to an ordered group of endpoints
 * (failover, breakers and retries as usual, within the group), optionally with another model.
 *
 * @param match          the rule's {@code match} as written: a kind, or {@code model:<substring>}
 * @param kind           the parsed kind
 * @param minInputTokens for {@code longContext}: the estimated input tokens from which it matches
 * @param endpoints      endpoint names, in the order they are tried
 * @param model          the model sent upstream instead of the client's (and of the endpoint's
 *                       mapping), empty for none
 * @param modelSubstring for {@code model:<substring>}: the substring in lower case, made once so
 *                       matching allocates nothing (empty for other kinds)
 */
public record Route(String match, RouteKind kind, long minInputTokens, List<String> endpoints, String model,
                    String modelSubstring) {
    /** minInputTokens when a longContext rule does not say. */
    static final long DEFAULT_MIN_INPUT_TOKENS = 60_000;

    public Route(String match, RouteKind kind, long minInputTokens, List<String> endpoints, String model) {
        this(match, kind, minInputTokens, endpoints, model, kind == RouteKind.MODEL
                ? RouteKind.lower(match.substring("model:".length())) : "");
    }

    public Route {
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(kind, "kind");
        endpoints = List.copyOf(endpoints);
        model = Objects.requireNonNullElse(model, "");
    }

    /** The rule as JSON, in the settings' form. */
    public String json() {
        StringBuilder sb = new StringBuilder("{\"match\":\"").append(Json.escape(match)).append('"');
        if (kind == RouteKind.LONG_CONTEXT) {
            sb.append(",\"minInputTokens\":").append(minInputTokens);
        }
        sb.append(",\"endpoints\":[");
        for (int i = 0; i < endpoints.size(); i++) {
            sb.append(i == 0 ? "\"" : ",\"").append(Json.escape(endpoints.get(i))).append('"');
        }
        sb.append(']');
        if (!model.isEmpty()) {
            sb.append(",\"model\":\"").append(Json.escape(model)).append('"');
        }
        return sb.append('}').toString();
    }
}
