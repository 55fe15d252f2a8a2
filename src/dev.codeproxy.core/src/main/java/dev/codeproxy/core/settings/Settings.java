package dev.codeproxy.core.settings;

import dev.codeproxy.core.routes.Routes;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Proxy settings (plain data, parsed at the edge). Every field, its default and its accepted
 * range are described once in {@link SettingKey}; this record is the typed view.
 *
 * @param host                listen address, default 127.0.0.1
 * @param port                listen port, default 9000
 * @param routing             routing strategy, default failover
 * @param requestTimeoutMs    deadline for one client request across every attempt, default 600,000
 * @param maxRetries          retries of one endpoint on a retryable failure, default 1
 * @param logRetention        request-log rows kept, default 10,000
 * @param connectTimeoutMs    TCP/TLS connect timeout towards an upstream, default 10,000
 * @param streamIdleTimeoutMs longest gap between two stream chunks before the stream is ended, default 300,000
 * @param maxRequestBytes     request body limit (413 past it), default 32 MiB
 * @param retryCapMs          longest wait before a retry (also caps honoured retry-after), default 5,000
 * @param breakerThreshold    consecutive failures that open an endpoint's breaker, default 3
 * @param breakerCooldownMs   first open period of a breaker (doubles on re-open, max 10 min), default 30,000
 * @param requestLog          record requests in the log and statistics (default true; false stores nothing)
 * @param captureMode         which request/response bodies the log keeps: all (default), errors, none
 * @param maxBodyBytes        cap per stored body, default 1 MiB
 * @param bodyRetention       bodies are kept for the newest this many requests, default 1,000
 * @param allowedHosts        extra Host names accepted besides localhost, 127.0.0.1, [::1] and the listen host (comma separated)
 * @param claudeConfig        point Claude Code at the proxy on start (settings.json), default true
 * @param claudeApiTimeoutMs  API_TIMEOUT_MS written for Claude Code, 0 = not written
 * @param claudeDisableNonessentialTraffic write CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
 * @param claudeModel         ANTHROPIC_MODEL written for Claude Code, empty = not written
 * @param claudeSmallFastModel ANTHROPIC_SMALL_FAST_MODEL, empty = not written
 * @param claudeHaikuModel    ANTHROPIC_DEFAULT_HAIKU_MODEL, empty = not written
 * @param claudeSonnetModel   ANTHROPIC_DEFAULT_SONNET_MODEL, empty = not written
 * @param claudeOpusModel     ANTHROPIC_DEFAULT_OPUS_MODEL, empty = not written
 * @param routes              routes by request kind, first match wins; none by default (every endpoint)
 * @param claudeStatusLine    set Claude Code's statusLine to the image's status line command when the user has none
 * @param logMaxBytes         the request log's largest size in the database, default 2 GiB: past it the oldest
 *                            requests are pruned (with logRetention, whichever keeps fewer)
 */
public record Settings(String host,
                       int port,
                       RoutingMode routing,
                       long requestTimeoutMs,
                       int maxRetries,
                       int logRetention,
                       long connectTimeoutMs,
                       long streamIdleTimeoutMs,
                       long maxRequestBytes,
                       long retryCapMs,
                       int breakerThreshold,
                       long breakerCooldownMs,
                       boolean requestLog,
                       CaptureMode captureMode,
                       long maxBodyBytes,
                       int bodyRetention,
                       String allowedHosts,
                       boolean claudeConfig,
                       long claudeApiTimeoutMs,
                       boolean claudeDisableNonessentialTraffic,
                       String claudeModel,
                       String claudeSmallFastModel,
                       String claudeHaikuModel,
                       String claudeSonnetModel,
                       String claudeOpusModel,
                       Routes routes,
                       boolean claudeStatusLine,
                       long logMaxBytes) {

    public static final Settings DEFAULTS = fromMap(Map.of());

    /** Builds settings from string values keyed by {@link SettingKey#key()}; missing keys take defaults. Values must be valid. */
    public static Settings fromMap(Map<String, String> values) {
        Map<SettingKey, Object> v = new LinkedHashMap<>();
        for (SettingKey k : SettingKey.values()) {
            String raw = values.get(k.key());
            Object parsed = raw == null ? k.defaultValue() : k.parse(raw)
                    .orElseThrow(() -> new IllegalArgumentException(k.describeError(raw)));
            v.put(k, parsed);
        }
        return new Settings((String) v.get(SettingKey.HOST),
                (Integer) v.get(SettingKey.PORT),
                (RoutingMode) v.get(SettingKey.ROUTING),
                (Long) v.get(SettingKey.REQUEST_TIMEOUT_MS),
                (Integer) v.get(SettingKey.MAX_RETRIES),
                (Integer) v.get(SettingKey.LOG_RETENTION),
                (Long) v.get(SettingKey.CONNECT_TIMEOUT_MS),
                (Long) v.get(SettingKey.STREAM_IDLE_TIMEOUT_MS),
                (Long) v.get(SettingKey.MAX_REQUEST_BYTES),
                (Long) v.get(SettingKey.RETRY_CAP_MS),
                (Integer) v.get(SettingKey.BREAKER_THRESHOLD),
                (Long) v.get(SettingKey.BREAKER_COOLDOWN_MS),
                (Boolean) v.get(SettingKey.REQUEST_LOG),
                (CaptureMode) v.get(SettingKey.CAPTURE_MODE),
                (Long) v.get(SettingKey.MAX_BODY_BYTES),
                (Integer) v.get(SettingKey.BODY_RETENTION),
                (String) v.get(SettingKey.ALLOWED_HOSTS),
                (Boolean) v.get(SettingKey.CLAUDE_CONFIG),
                (Long) v.get(SettingKey.CLAUDE_API_TIMEOUT_MS),
                (Boolean) v.get(SettingKey.CLAUDE_DISABLE_NONESSENTIAL),
                (String) v.get(SettingKey.CLAUDE_MODEL),
                (String) v.get(SettingKey.CLAUDE_SMALL_FAST_MODEL),
                (String) v.get(SettingKey.CLAUDE_HAIKU_MODEL),
                (String) v.get(SettingKey.CLAUDE_SONNET_MODEL),
                (String) v.get(SettingKey.CLAUDE_OPUS_MODEL),
                (Routes) v.get(SettingKey.ROUTES),
                (Boolean) v.get(SettingKey.CLAUDE_STATUS_LINE),
                (Long) v.get(SettingKey.LOG_MAX_BYTES));
    }

    /** Every setting as its string form, in {@link SettingKey} order. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (SettingKey k : SettingKey.values()) {
            m.put(k.key(), k.format(k.get(this)));
        }
        return m;
    }

    /** A copy with some values replaced (string forms, validated). */
    public Settings with(Map<String, String> changes) {
        Map<String, String> m = toMap();
        m.putAll(changes);
        return fromMap(m);
    }
}
