package dev.codeproxy.core.settings;

import dev.codeproxy.core.routes.RouteException;
import dev.codeproxy.core.routes.RouteKind;
import dev.codeproxy.core.routes.Routes;

import java.util.Optional;
import java.util.function.Function;

/**
 * The one description of every setting: its key (as in files, the API and the database), its
 * type, default and accepted range. Parsing and error messages come from here so that the CLI,
 * the import file and the admin API say the same thing.
 */
public enum SettingKey {
    HOST("host", Kind.HOST, "127.0.0.1", 0, 0, Settings::host),
    PORT("port", Kind.INT, 9000, 0, 65535, Settings::port),
    ROUTING("routing", Kind.ROUTING, RoutingMode.FAILOVER, 0, 0, Settings::routing),
    REQUEST_TIMEOUT_MS("requestTimeoutMs", Kind.LONG, 600_000L, 1_000, 3_600_000, Settings::requestTimeoutMs),
    MAX_RETRIES("maxRetries", Kind.INT, 1, 0, 10, Settings::maxRetries),
    LOG_RETENTION("logRetention", Kind.INT, 10_000, 100, 10_000_000, Settings::logRetention),
    CONNECT_TIMEOUT_MS("connectTimeoutMs", Kind.LONG, 10_000L, 100, 600_000, Settings::connectTimeoutMs),
    STREAM_IDLE_TIMEOUT_MS("streamIdleTimeoutMs", Kind.LONG, 300_000L, 100, 3_600_000, Settings::streamIdleTimeoutMs),
    MAX_REQUEST_BYTES("maxRequestBytes", Kind.LONG, 32L * 1024 * 1024, 1024, 1024L * 1024 * 1024, Settings::maxRequestBytes),
    RETRY_CAP_MS("retryCapMs", Kind.LONG, 5_000L, 0, 600_000, Settings::retryCapMs),
    BREAKER_THRESHOLD("breakerThreshold", Kind.INT, 3, 1, 1000, Settings::breakerThreshold),
    BREAKER_COOLDOWN_MS("breakerCooldownMs", Kind.LONG, 30_000L, 100, 600_000, Settings::breakerCooldownMs),
    REQUEST_LOG("requestLog", Kind.BOOL, true, 0, 0, Settings::requestLog),
    CAPTURE_MODE("captureMode", Kind.CAPTURE, CaptureMode.ALL, 0, 0, Settings::captureMode),
    MAX_BODY_BYTES("maxBodyBytes", Kind.LONG, 1024L * 1024, 0, 64L * 1024 * 1024, Settings::maxBodyBytes),
    BODY_RETENTION("bodyRetention", Kind.INT, 1_000, 0, 1_000_000, Settings::bodyRetention),
    ALLOWED_HOSTS("allowedHosts", Kind.STRING, "", 0, 1000, Settings::allowedHosts),
    CLAUDE_CONFIG("claudeConfig", Kind.BOOL, true, 0, 0, Settings::claudeConfig),
    CLAUDE_API_TIMEOUT_MS("claudeApiTimeoutMs", Kind.LONG, 0L, 0, 3_600_000, Settings::claudeApiTimeoutMs),
    CLAUDE_DISABLE_NONESSENTIAL("claudeDisableNonessentialTraffic", Kind.BOOL, false, 0, 0,
            Settings::claudeDisableNonessentialTraffic),
    CLAUDE_MODEL("claudeModel", Kind.STRING, "", 0, 200, Settings::claudeModel),
    CLAUDE_SMALL_FAST_MODEL("claudeSmallFastModel", Kind.STRING, "", 0, 200, Settings::claudeSmallFastModel),
    CLAUDE_HAIKU_MODEL("claudeHaikuModel", Kind.STRING, "", 0, 200, Settings::claudeHaikuModel),
    CLAUDE_SONNET_MODEL("claudeSonnetModel", Kind.STRING, "", 0, 200, Settings::claudeSonnetModel),
    CLAUDE_OPUS_MODEL("claudeOpusModel", Kind.STRING, "", 0, 200, Settings::claudeOpusModel),
    /** Routes by request kind: a JSON array of rules (see {@link dev.codeproxy.core.routes.Routes}). */
    ROUTES("routes", Kind.ROUTES, Routes.NONE, 0, 0, Settings::routes),
    CLAUDE_STATUS_LINE("claudeStatusLine", Kind.BOOL, false, 0, 0, Settings::claudeStatusLine),
    LOG_MAX_BYTES("logMaxBytes", Kind.LONG, 2L * 1024 * 1024 * 1024, 1024L * 1024, 1024L * 1024 * 1024 * 1024,
            Settings::logMaxBytes);

    enum Kind { INT, LONG, HOST, ROUTING, CAPTURE, BOOL, STRING, ROUTES }

    private final String key;
    private final Kind kind;
    private final Object defaultValue;
    private final long min;
    private final long max;
    private final Function<Settings, Object> getter;

    SettingKey(String key, Kind kind, Object defaultValue, long min, long max, Function<Settings, Object> getter) {
        this.key = key;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.getter = getter;
    }

    public String key() {
        return key;
    }

    public Object defaultValue() {
        return defaultValue;
    }

    public boolean numeric() {
        return kind == Kind.INT || kind == Kind.LONG;
    }

    public boolean bool() {
        return kind == Kind.BOOL;
    }

    public Object get(Settings s) {
        return getter.apply(s);
    }

    public static Optional<SettingKey> byKey(String key) {
        for (SettingKey k : values()) {
            if (k.key.equals(key)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** Parses a string form; empty when the value is not accepted (see {@link #accepted()}). */
    public Optional<Object> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.trim();
        return switch (kind) {
            case INT, LONG -> {
                try {
                    long v = Long.parseLong(s);
                    if (v < min || v > max) {
                        yield Optional.empty();
                    }
                    yield Optional.of(kind == Kind.INT ? (Object) (int) v : (Object) v);
                } catch (NumberFormatException e) {
                    yield Optional.empty();
                }
            }
            case HOST -> s.isEmpty() || s.chars().anyMatch(Character::isWhitespace) ? Optional.empty() : Optional.of(s);
            case ROUTING -> RoutingMode.parse(s).map(m -> (Object) m);
            case CAPTURE -> CaptureMode.parse(s).map(m -> (Object) m);
            case BOOL -> s.equalsIgnoreCase("true") ? Optional.of(true)
                    : s.equalsIgnoreCase("false") ? Optional.of(false) : Optional.empty();
            case STRING -> s.length() > max || s.chars().anyMatch(c -> c < 0x20) ? Optional.empty() : Optional.of(s);
            case ROUTES -> {
                try {
                    yield Optional.of(Routes.parse(s.isEmpty() ? "[]" : s));
                } catch (IllegalArgumentException e) {
                    yield Optional.empty();
                }
            }
        };
    }

    /** The string form of a typed value. */
    public String format(Object value) {
        if (value instanceof RoutingMode m) {
            return m.wire();
        }
        if (value instanceof Routes r) {
            return r.json();
        }
        return value instanceof CaptureMode c ? c.wire() : String.valueOf(value);
    }

    /** What is accepted, for error messages. */
    public String accepted() {
        return switch (kind) {
            case INT, LONG -> "an integer from " + min + " to " + max;
            case HOST -> "a host name or IP address";
            case ROUTING -> "one of " + RoutingMode.accepted();
            case CAPTURE -> "one of " + CaptureMode.accepted();
            case BOOL -> "true or false";
            case STRING -> "text of at most " + max + " characters without control characters";
            case ROUTES -> "a JSON array of rules {\"match\", \"endpoints\": [names], \"minInputTokens\", \"model\"}"
                    + " with match one of " + RouteKind.accepted();
        };
    }

    /** One line naming the setting, the bad value and what is accepted. */
    public String describeError(String raw) {
        if (kind == Kind.ROUTES) {
            try {
                Routes.parse(raw);
            } catch (RouteException e) {
                return key + ": " + e.getMessage();
            }
        }
        return key + ": '" + raw + "' is not accepted; expected " + accepted();
    }
}
