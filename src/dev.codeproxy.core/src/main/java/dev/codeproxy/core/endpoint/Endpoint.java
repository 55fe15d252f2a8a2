package dev.codeproxy.core.endpoint;

import dev.codeproxy.core.secret.Secrets;

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
 * @param timeoutMs   longest upstream read (response headers, then each read of the body), default 600,000
 * @param models      model mapping
 * @param disableNonessentialTraffic sets CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC for Claude Code
 * @param headersTimeoutMs wait for response headers at most this long, then fail over (default
 *                    60,000; the effective wait is the smallest of this, {@code timeoutMs} and
 *                    what is left of the request deadline)
 * @param compat      which beta flags and body fields this endpoint accepts (none changed by default)
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
                       boolean disableNonessentialTraffic,
                       long headersTimeoutMs,
                       EndpointCompat compat) {
    public static final long DEFAULT_TIMEOUT_MS = 600_000;
    /** A black-holed upstream fails over after this long without response headers. */
    public static final long DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
    /** Accepted range of {@code headersTimeoutMs}. */
    static final long MIN_HEADERS_TIMEOUT_MS = 100;
    static final long MAX_HEADERS_TIMEOUT_MS = 3_600_000;

    /** An endpoint with the default {@code headersTimeoutMs} (the form before that setting existed). */
    public Endpoint(long id, String name, String note, boolean enabled, int priority, int weight, String baseUrl,
                    String apiKey, AuthStyle authStyle, long timeoutMs, ModelMap models,
                    boolean disableNonessentialTraffic) {
        this(id, name, note, enabled, priority, weight, baseUrl, apiKey, authStyle, timeoutMs, models,
                disableNonessentialTraffic, DEFAULT_HEADERS_TIMEOUT_MS);
    }

    /** An endpoint without compatibility settings. */
    public Endpoint(long id, String name, String note, boolean enabled, int priority, int weight, String baseUrl,
                    String apiKey, AuthStyle authStyle, long timeoutMs, ModelMap models,
                    boolean disableNonessentialTraffic, long headersTimeoutMs) {
        this(id, name, note, enabled, priority, weight, baseUrl, apiKey, authStyle, timeoutMs, models,
                disableNonessentialTraffic, headersTimeoutMs, EndpointCompat.NONE);
    }

    public Endpoint {
        Objects.requireNonNull(name, "name");
        note = Objects.requireNonNullElse(note, "");
        baseUrl = stripTrailingSlash(Objects.requireNonNull(baseUrl, "baseUrl").trim());
        apiKey = Objects.requireNonNullElse(apiKey, "");
        authStyle = Objects.requireNonNullElse(authStyle, AuthStyle.X_API_KEY);
        models = Objects.requireNonNullElse(models, ModelMap.EMPTY);
        compat = Objects.requireNonNullElse(compat, EndpointCompat.NONE);
    }

    Endpoint withCompat(EndpointCompat c) {
        return new Endpoint(id, name, note, enabled, priority, weight, baseUrl, apiKey, authStyle, timeoutMs, models,
                disableNonessentialTraffic, headersTimeoutMs, c);
    }

    public Endpoint withHeadersTimeoutMs(long ms) {
        return new Endpoint(id, name, note, enabled, priority, weight, baseUrl, apiKey, authStyle, timeoutMs, models,
                disableNonessentialTraffic, ms, compat);
    }

    public Endpoint withId(long newId) {
        return new Endpoint(newId, name, note, enabled, priority, weight, baseUrl, apiKey, authStyle, timeoutMs, models,
                disableNonessentialTraffic, headersTimeoutMs, compat);
    }

    Endpoint withEnabled(boolean on) {
        return new Endpoint(id, name, note, on, priority, weight, baseUrl, apiKey, authStyle, timeoutMs, models,
                disableNonessentialTraffic, headersTimeoutMs, compat);
    }

    public Endpoint withPriority(int p) {
        return new Endpoint(id, name, note, enabled, p, weight, baseUrl, apiKey, authStyle, timeoutMs, models,
                disableNonessentialTraffic, headersTimeoutMs, compat);
    }

    public Endpoint withApiKey(String key) {
        return new Endpoint(id, name, note, enabled, priority, weight, baseUrl, key, authStyle, timeoutMs, models,
                disableNonessentialTraffic, headersTimeoutMs, compat);
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
