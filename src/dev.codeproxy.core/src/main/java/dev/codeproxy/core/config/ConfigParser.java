package dev.codeproxy.core.config;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.EndpointCompat;
import dev.codeproxy.core.endpoint.EndpointRules;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.routes.RouteException;
import dev.codeproxy.core.routes.Routes;
import dev.codeproxy.core.settings.SettingKey;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an import file: our format ({@code "format": "code-proxy/1"}) strictly — unknown keys are
 * errors with their JSON path — and the seed app's export ({@code "version": "1.0"}) leniently,
 * since that app adds fields over time.
 */
public final class ConfigParser {
    private static final Set<String> TOP_KEYS = Set.of("format", "exportedAt", "settings", "endpoints");
    private static final Set<String> ENDPOINT_KEYS = Set.of("name", "note", "enabled", "priority", "weight", "baseUrl",
            "apiKey", "authHeader", "timeoutMs", "models", "disableNonessentialTraffic", "headersTimeoutMs",
            "compat");
    private static final Set<String> MODEL_KEYS = Set.of("default", "smallFast", "haiku", "sonnet", "opus");

    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private ConfigParser() {
    }

    /** Parses and validates a whole file. */
    public static ConfigFile parse(String json) throws ConfigException {
        return new ConfigParser().run(json);
    }

    private ConfigFile run(String json) throws ConfigException {
        JsonValue root;
        try (var reader = Json.createReader(new StringReader(json))) {
            root = reader.readValue();
        } catch (JsonParsingException e) {
            var loc = e.getLocation();
            throw new ConfigException(List.of("not valid JSON at line " + loc.getLineNumber() + ", column "
                    + loc.getColumnNumber() + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            throw new ConfigException(List.of("not valid JSON: " + e.getMessage()));
        }
        if (!(root instanceof JsonObject obj)) {
            throw new ConfigException(List.of("$: expected a JSON object with \"format\": \"" + ConfigFormat.FORMAT
                    + "\" (or a Code Proxy 1.0 export with \"version\": \"1.0\")"));
        }
        ConfigFile result;
        if (obj.containsKey("format")) {
            result = ours(obj);
        } else if (obj.containsKey("version")) {
            result = seed(obj);
        } else {
            throw new ConfigException(List.of("$: missing \"format\"; expected \"format\": \"" + ConfigFormat.FORMAT
                    + "\" (or a Code Proxy 1.0 export with \"version\": \"1.0\")"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return result;
    }

    private ConfigFile ours(JsonObject obj) {
        for (String k : obj.keySet()) {
            if (!TOP_KEYS.contains(k)) {
                problems.add("$." + k + ": unknown key; accepted keys are " + sorted(TOP_KEYS));
            }
        }
        String format = string(obj, "format", "$", null);
        if (format != null && !format.equals(ConfigFormat.FORMAT)) {
            problems.add("$.format: '" + format + "' is not supported; expected \"" + ConfigFormat.FORMAT + "\"");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        JsonValue sv = obj.get("settings");
        if (sv != null && sv != JsonValue.NULL) {
            if (sv instanceof JsonObject so) {
                for (var e : so.entrySet()) {
                    String path = "$.settings." + e.getKey();
                    var key = SettingKey.byKey(e.getKey());
                    if (key.isEmpty()) {
                        problems.add(path + ": unknown setting; accepted settings are " + settingKeys());
                        continue;
                    }
                    settingValue(key.get(), e.getValue(), path).ifPresent(v -> settings.put(e.getKey(), v));
                }
            } else {
                problems.add("$.settings: expected an object");
            }
        }
        List<Endpoint> endpoints = new ArrayList<>();
        JsonValue ev = obj.get("endpoints");
        if (ev != null && ev != JsonValue.NULL) {
            if (ev instanceof JsonArray arr) {
                for (int i = 0; i < arr.size(); i++) {
                    String path = "$.endpoints[" + i + "]";
                    if (arr.get(i) instanceof JsonObject eo) {
                        Endpoint e = endpoint(eo, path, i);
                        if (e != null) {
                            endpoints.add(e);
                        }
                    } else {
                        problems.add(path + ": expected an object");
                    }
                }
            } else {
                problems.add("$.endpoints: expected an array");
            }
        }
        checkUniqueNames(endpoints);
        return new ConfigFile(settings, endpoints, warnings);
    }

    private Endpoint endpoint(JsonObject o, String path, int index) {
        for (String k : o.keySet()) {
            if (!ENDPOINT_KEYS.contains(k)) {
                problems.add(path + "." + k + ": unknown key; accepted keys are " + sorted(ENDPOINT_KEYS));
            }
        }
        int before = problems.size();
        String name = string(o, "name", path, null);
        if (name == null && !o.containsKey("name")) {
            problems.add(path + ".name: required; expected a non-blank string");
        }
        String baseUrl = string(o, "baseUrl", path, null);
        if (baseUrl == null && !o.containsKey("baseUrl")) {
            problems.add(path + ".baseUrl: required; expected an http:// or https:// URL such as https://api.anthropic.com");
        }
        String note = string(o, "note", path, "");
        boolean enabled = bool(o, "enabled", path, true);
        long priority = integer(o, "priority", path, index + 1);
        long weight = integer(o, "weight", path, 1);
        String apiKey = string(o, "apiKey", path, "");
        String authRaw = string(o, "authHeader", path, AuthStyle.X_API_KEY.wire());
        AuthStyle auth = AuthStyle.X_API_KEY;
        if (authRaw != null) {
            var parsed = AuthStyle.parse(authRaw);
            if (parsed.isEmpty()) {
                problems.add(path + ".authHeader: '" + authRaw + "' is not accepted; expected " + AuthStyle.accepted());
            } else {
                auth = parsed.get();
            }
        }
        long timeout = integer(o, "timeoutMs", path, Endpoint.DEFAULT_TIMEOUT_MS);
        long headersTimeout = integer(o, "headersTimeoutMs", path, Endpoint.DEFAULT_HEADERS_TIMEOUT_MS);
        boolean nonessential = bool(o, "disableNonessentialTraffic", path, false);
        ModelMap models = ModelMap.EMPTY;
        JsonValue mv = o.get("models");
        if (mv != null && mv != JsonValue.NULL) {
            if (mv instanceof JsonObject mo) {
                String mp = path + ".models";
                for (String k : mo.keySet()) {
                    if (!MODEL_KEYS.contains(k)) {
                        problems.add(mp + "." + k + ": unknown key; accepted keys are " + sorted(MODEL_KEYS));
                    }
                }
                models = new ModelMap(string(mo, "default", mp, ""), string(mo, "smallFast", mp, ""),
                        string(mo, "haiku", mp, ""), string(mo, "sonnet", mp, ""), string(mo, "opus", mp, ""));
            } else {
                problems.add(path + ".models: expected an object with keys " + sorted(MODEL_KEYS));
            }
        }
        EndpointCompat compat = compat(o.get("compat"), path + ".compat");
        if (problems.size() > before || name == null || baseUrl == null) {
            return null;
        }
        Endpoint e = new Endpoint(0, name.trim(), note, enabled, (int) Math.min(priority, Integer.MAX_VALUE),
                (int) Math.min(weight, Integer.MAX_VALUE), baseUrl, apiKey.trim(), auth, timeout, models, nonessential,
                headersTimeout, compat);
        EndpointRules.check(e).forEach((field, msg) -> problems.add(path + "." + field + ": " + msg));
        return e;
    }

    /** An endpoint's {@code compat} object: lists of strings under {@link dev.codeproxy.core.endpoint.EndpointCompat#KEYS}. */
    private EndpointCompat compat(JsonValue v, String path) {
        if (v == null || v == JsonValue.NULL) {
            return EndpointCompat.NONE;
        }
        if (!(v instanceof JsonObject o)) {
            problems.add(path + ": expected an object with keys " + String.join(", ", EndpointCompat.KEYS));
            return EndpointCompat.NONE;
        }
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (var e : o.entrySet()) {
            if (!EndpointCompat.KEYS.contains(e.getKey())) {
                problems.add(path + "." + e.getKey() + ": unknown key; accepted keys are "
                        + String.join(", ", EndpointCompat.KEYS));
                continue;
            }
            List<String> l = new ArrayList<>();
            if (e.getValue() instanceof JsonArray a) {
                for (int i = 0; i < a.size(); i++) {
                    if (a.get(i) instanceof JsonString s) {
                        l.add(s.getString());
                    } else {
                        problems.add(path + "." + e.getKey() + "[" + i + "]: " + describe(a.get(i))
                                + " is not accepted; expected a string");
                    }
                }
            } else {
                problems.add(path + "." + e.getKey() + ": " + describe(e.getValue()) + " is not accepted; expected an "
                        + "array of strings");
            }
            m.put(e.getKey(), l);
        }
        return EndpointCompat.of(m);
    }

    private ConfigFile seed(JsonObject obj) {
        String version = string(obj, "version", "$", null);
        if (version != null && !version.equals(ConfigFormat.SEED_VERSION)) {
            problems.add("$.version: '" + version + "' is not supported; expected \"" + ConfigFormat.SEED_VERSION
                    + "\" (Code Proxy 1.0 export) or use \"format\": \"" + ConfigFormat.FORMAT + "\"");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        if (obj.get("proxyConfig") instanceof JsonObject pc) {
            seedSettings(pc, settings);
        } else if (obj.containsKey("proxyConfig") && obj.get("proxyConfig") != JsonValue.NULL) {
            problems.add("$.proxyConfig: expected an object");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        if (obj.get("endpoints") instanceof JsonArray arr) {
            for (int i = 0; i < arr.size(); i++) {
                String path = "$.endpoints[" + i + "]";
                if (!(arr.get(i) instanceof JsonObject eo)) {
                    problems.add(path + ": expected an object");
                    continue;
                }
                int before = problems.size();
                String name = string(eo, "name", path, null);
                if (name == null || name.isBlank()) {
                    problems.add(path + ".name: required; expected a non-blank string");
                }
                // the first 1.0 exports kept the Claude Code env of an endpoint in settingsConfig.env
                // next to url / apiKey / authMode; later ones have flat anthropic* fields
                JsonObject env = eo.get("settingsConfig") instanceof JsonObject sc && sc.get("env") instanceof JsonObject se
                        ? se : JsonValue.EMPTY_JSON_OBJECT;
                String envPath = path + ".settingsConfig.env";
                String baseUrl = firstNonBlank(string(eo, "anthropicBaseUrl", path, null),
                        string(env, "ANTHROPIC_BASE_URL", envPath, null), string(eo, "url", path, null));
                if (baseUrl.isBlank()) {
                    problems.add(path + ".anthropicBaseUrl: required; expected an http:// or https:// URL");
                }
                String token = firstNonBlank(string(eo, "anthropicAuthToken", path, null),
                        string(env, "ANTHROPIC_AUTH_TOKEN", envPath, null));
                String apiKey = firstNonBlank(string(eo, "anthropicApiKey", path, null), string(eo, "apiKey", path, null));
                boolean enabled = bool(eo, "enabled", path, true);
                long weight = integer(eo, "weight", path, 1);
                // apiTimeoutMs is Claude Code's API_TIMEOUT_MS: milliseconds already
                long timeout = integer(eo, "apiTimeoutMs", path, Endpoint.DEFAULT_TIMEOUT_MS);
                if (!eo.containsKey("apiTimeoutMs") && env.get("API_TIMEOUT_MS") instanceof JsonString t
                        && t.getString().strip().matches("[0-9]{1,12}")) {
                    timeout = Long.parseLong(t.getString().strip());
                }
                ModelMap models = new ModelMap(
                        firstNonBlank(string(eo, "anthropicModel", path, null), string(env, "ANTHROPIC_MODEL", envPath, null)),
                        firstNonBlank(string(eo, "anthropicSmallFastModel", path, null),
                                string(env, "ANTHROPIC_SMALL_FAST_MODEL", envPath, null)),
                        firstNonBlank(string(eo, "anthropicDefaultHaikuModel", path, null),
                                string(env, "ANTHROPIC_DEFAULT_HAIKU_MODEL", envPath, null)),
                        firstNonBlank(string(eo, "anthropicDefaultSonnetModel", path, null),
                                string(env, "ANTHROPIC_DEFAULT_SONNET_MODEL", envPath, null)),
                        firstNonBlank(string(eo, "anthropicDefaultOpusModel", path, null),
                                string(env, "ANTHROPIC_DEFAULT_OPUS_MODEL", envPath, null)));
                boolean nonessential = bool(eo, "claudeCodeDisableNonessentialTraffic", path, false)
                        || env.get("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC") instanceof JsonString q
                        && (q.getString().equals("1") || q.getString().equalsIgnoreCase("true"));
                String note = firstNonBlank(string(eo, "note", path, null), string(eo, "notes", path, null));
                if (problems.size() > before) {
                    continue;
                }
                // the later seed sends anthropicAuthToken as a bearer token; the first one's authMode says
                // "bearer_only" for bearer and "standard" for x-api-key
                String authMode = string(eo, "authMode", path, null);
                boolean bearer = authMode != null ? authMode.equals("bearer_only") : !token.isBlank();
                String key = !token.isBlank() ? token : apiKey;
                Endpoint e = new Endpoint(0, name.trim(), note, enabled, i + 1,
                        (int) Math.max(1, Math.min(weight, EndpointRules.MAX_WEIGHT)), baseUrl,
                        key.trim(), bearer ? AuthStyle.BEARER : AuthStyle.X_API_KEY,
                        Math.max(EndpointRules.MIN_TIMEOUT_MS, Math.min(timeout, EndpointRules.MAX_TIMEOUT_MS)),
                        models, nonessential);
                EndpointRules.check(e).forEach((field, msg) -> problems.add(path + "." + field + ": " + msg));
                endpoints.add(e);
            }
        } else if (obj.containsKey("endpoints")) {
            problems.add("$.endpoints: expected an array");
        }
        checkUniqueNames(endpoints);
        return new ConfigFile(settings, endpoints, warnings);
    }

    /**
     * The seed's {@code proxyConfig}. Its time values are seconds ({@code requestTimeout}, default
     * 300) and become milliseconds here; its first exports name the listener {@code listenAddress}
     * / {@code listenPort}, later ones {@code address} / {@code port}. A converted value outside
     * what Code Proxy accepts keeps the default, with a warning, instead of failing the import.
     */
    private void seedSettings(JsonObject pc, Map<String, String> settings) {
        seedSetting(pc, "listenAddress", SettingKey.HOST, 1, settings);
        seedSetting(pc, "address", SettingKey.HOST, 1, settings);
        seedSetting(pc, "host", SettingKey.HOST, 1, settings);
        seedSetting(pc, "listenPort", SettingKey.PORT, 1, settings);
        seedSetting(pc, "port", SettingKey.PORT, 1, settings);
        seedSetting(pc, "maxRetries", SettingKey.MAX_RETRIES, 1, settings);
        seedSetting(pc, "requestTimeout", SettingKey.REQUEST_TIMEOUT_MS, 1000, settings);
        seedSetting(pc, "consecutiveFailureThreshold", SettingKey.BREAKER_THRESHOLD, 1, settings);
        seedSetting(pc, "maxLogEntries", SettingKey.LOG_RETENTION, 1, settings);
        seedSetting(pc, "logRetentionCount", SettingKey.LOG_RETENTION, 1, settings);
        seedSetting(pc, "logRetention", SettingKey.LOG_RETENTION, 1, settings);
        seedSetting(pc, "enableLogging", SettingKey.REQUEST_LOG, 1, settings);
        List<String> ignored = new ArrayList<>();
        for (String k : List.of("healthCheckInterval", "healthCheckTimeout", "healthCheckPath", "responseTimeWindowSize")) {
            if (pc.containsKey(k)) {
                ignored.add(k);
            }
        }
        if (!ignored.isEmpty()) {
            warnings.add("$.proxyConfig: " + String.join(", ", ignored) + " ignored: Code Proxy has no separate "
                    + "health checks (failing endpoints are found on live requests by the circuit breaker)");
        }
    }

    /**
     * One seed setting; {@code factor} converts its unit (1000: seconds to milliseconds). Wrong
     * types are errors; a number out of range keeps the default with a warning.
     */
    private void seedSetting(JsonObject pc, String seedKey, SettingKey key, long factor, Map<String, String> out) {
        JsonValue v = pc.get(seedKey);
        if (v == null || v == JsonValue.NULL) {
            return;
        }
        String path = "$.proxyConfig." + seedKey;
        if (key.numeric() && v instanceof JsonNumber n && n.isIntegral()) {
            long converted;
            try {
                converted = Math.multiplyExact(n.longValueExact(), factor);
            } catch (ArithmeticException e) {
                converted = Long.MAX_VALUE;
            }
            var parsed = key.parse(Long.toString(converted));
            if (parsed.isEmpty()) {
                warnings.add(path + ": " + n + (factor == 1000 ? " seconds (" + converted + " ms)" : "")
                        + " is outside what " + key.key() + " accepts (" + key.accepted() + "); the default "
                        + key.format(key.defaultValue()) + " is kept");
                return;
            }
            out.put(key.key(), key.format(parsed.get()));
            return;
        }
        settingValue(key, v, path).ifPresent(s -> out.put(key.key(), s));
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }

    private Optional<String> settingValue(SettingKey key, JsonValue v, String path) {
        String raw;
        if (key == SettingKey.ROUTES) {
            // an array of rules; endpoint names are checked where the import is applied (merge or replace)
            try {
                return Optional.of(Routes.of(v, path, null).json());
            } catch (RouteException e) {
                e.problems().forEach((field, problem) -> problems.add(field + ": " + problem));
                return Optional.empty();
            }
        }
        if (key.numeric()) {
            if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
                problems.add(path + ": " + describe(v) + " is not accepted; expected " + key.accepted());
                return Optional.empty();
            }
            raw = n.bigIntegerValue().toString();
        } else if (key.bool()) {
            if (v != JsonValue.TRUE && v != JsonValue.FALSE) {
                problems.add(path + ": " + describe(v) + " is not accepted; expected " + key.accepted());
                return Optional.empty();
            }
            raw = v.toString();
        } else {
            if (!(v instanceof JsonString s)) {
                problems.add(path + ": " + describe(v) + " is not accepted; expected " + key.accepted());
                return Optional.empty();
            }
            raw = s.getString();
        }
        if (key.parse(raw).isEmpty()) {
            problems.add(path + ": '" + raw + "' is not accepted; expected " + key.accepted());
            return Optional.empty();
        }
        return Optional.of(key.format(key.parse(raw).get()));
    }

    private void checkUniqueNames(List<Endpoint> endpoints) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < endpoints.size(); i++) {
            if (!seen.add(endpoints.get(i).name().toLowerCase(Locale.ROOT))) {
                problems.add("$.endpoints: the name '" + endpoints.get(i).name()
                        + "' appears more than once; endpoint names must be unique");
            }
        }
    }

    private String string(JsonObject o, String key, String path, String dflt) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return dflt;
        }
        if (v instanceof JsonString s) {
            return s.getString();
        }
        problems.add(path + "." + key + ": " + describe(v) + " is not accepted; expected a string");
        return dflt;
    }

    private boolean bool(JsonObject o, String key, String path, boolean dflt) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return dflt;
        }
        if (v == JsonValue.TRUE) {
            return true;
        }
        if (v == JsonValue.FALSE) {
            return false;
        }
        problems.add(path + "." + key + ": " + describe(v) + " is not accepted; expected true or false");
        return dflt;
    }

    private long integer(JsonObject o, String key, String path, long dflt) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return dflt;
        }
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                // falls through to the error below
            }
        }
        problems.add(path + "." + key + ": " + describe(v) + " is not accepted; expected an integer");
        return dflt;
    }

    private static String describe(JsonValue v) {
        return switch (v.getValueType()) {
            case STRING -> "the string '" + ((JsonString) v).getString() + "'";
            case NUMBER -> "the number " + v;
            case TRUE, FALSE -> "the boolean " + v;
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
        };
    }

    private static String sorted(Set<String> keys) {
        return String.join(", ", new TreeSet<>(keys));
    }

    private static String settingKeys() {
        List<String> keys = new ArrayList<>();
        for (SettingKey k : SettingKey.values()) {
            keys.add(k.key());
        }
        return String.join(", ", keys);
    }
}
