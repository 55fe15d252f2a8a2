package dev.codeproxy.core;

import java.util.Objects;

/**
 * One upstream endpoint as configured (plain data; runtime state such as breaker counters
 * lives elsewhere).
 *
 * @param id          database id, 0 before it is stored
 * @param name        unique, non-blank display name
 * @param note        free text
 * @param enabled     disabled endpoints never serve
 * @param priority    1 is tried first in failover order
 * @param weight      share in weighted routing, >= 1
 * @param baseUrl     Anthropic base URL, e.g. {@code https://api.anthropic.com} (no trailing slash)
 * @param apiKey      the endpoint's secret key (never logged, never returned in full)
 * @param authStyle   header the key is sent in
 * @param timeoutMs   wait for response headers, default 600,000
 * @param models      model mapping
 * @param disableNonessentialTraffic sets CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC for Claude Code
 */
public record Endpoint(long id,
                       String name,
                       String note,
                       boolean enabled,
                       int priority,
                       int weight,
                       String baseUrl,
                       String apiKey,
                       AuthStyle authStyle,
                       long timeoutMs,
                       ModelMap models,
                       boolean disableNonessentialTraffic) {
    public static final long DEFAULT_TIMEOUT_MS = 600_000;

    public Endpoint {
        Objects.requireNonNull(name, "name");
        note = Objects.requireNonNullElse(note, "");
        baseUrl = stripTrailingSlash(Objects.requireNonNull(baseUrl, "baseUrl").trim());
        apiKey = Objects.requireNonNullElse(apiKey, "");
        authStyle = Objects.requireNonNullElse(authStyle, AuthStyle.X_API_KEY);
        models = Objects.requireNonNullElse(models, ModelMap.EMPTY);
    }

    public Endpoint withId(long newId) {
        return new Endpoint(newId, name, note, enabled, priority, weight, baseUrl, apiKey, authStyle, timeoutMs, models,
                disableNonessentialTraffic);
    }

    public Endpoint withEnabled(boolean on) {
        return new Endpoint(id, name, note, on, priority, weight, baseUrl, apiKey, authStyle, timeoutMs, models,
                disableNonessentialTraffic);
    }

    public Endpoint withPriority(int p) {
        return new Endpoint(id, name, note, enabled, p, weight, baseUrl, apiKey, authStyle, timeoutMs, models,
                disableNonessentialTraffic);
    }

    public Endpoint withApiKey(String key) {
        return new Endpoint(id, name, note, enabled, priority, weight, baseUrl, key, authStyle, timeoutMs, models,
                disableNonessentialTraffic);
    }

    /** The key as it may be shown: first 7 and last 4 characters. */
    public String maskedKey() {
        return Secrets.mask(apiKey);
    }

    private static String stripTrailingSlash(String s) {
        String r = s;
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    @Override
    public String toString() {
        // never print the key
        return "Endpoint[" + id + " " + name + " " + baseUrl + " enabled=" + enabled + " priority=" + priority + "]";
    }
}
