package dev.codeproxy.admin.api;

import dev.codeproxy.admin.ServerControl;
import dev.codeproxy.admin.api.dto.RouteDtos;
import dev.codeproxy.admin.api.dto.SettingsDtos;
import dev.codeproxy.core.routes.Routes;
import dev.codeproxy.core.settings.SettingKey;
import dev.codeproxy.core.settings.Settings;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /_/api/settings}: every setting with its value; {@code PUT} or {@code PATCH} with some of
 * them. Values are checked one by one with the command line's words ({@link SettingKey}); nothing
 * is stored unless all are accepted. Stored settings are reloaded at once, so routing, breakers,
 * retries, timeouts, retention and capture apply to the next request. A new host or port moves the
 * listener: the new one is started first (a port in use refuses the change), the response names
 * the new URL, and the old listener stops once that response is sent.
 */
public final class SettingsResource implements HttpService {
    private final Services s;

    public SettingsResource(Services services) {
        this.s = services;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/settings", Api.guard(this::get))
                .put("/settings", Api.guard(this::change))
                .patch("/settings", Api.guard(this::change));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Api.ok(res, view(s.config().settings(), false));
    }

    private void change(ServerRequest req, ServerResponse res) {
        JsonObject body = Api.object(req);
        Api.Problems p = new Api.Problems();
        Map<String, String> changes = new LinkedHashMap<>();
        for (var e : body.entrySet()) {
            var key = SettingKey.byKey(e.getKey());
            if (key.isEmpty()) {
                p.add(e.getKey(), "unknown setting; accepted settings are " + keys());
                continue;
            }
            if (key.get() == SettingKey.ROUTES) {
                // an array of rules, checked field by field (endpoints must exist)
                Api.Problems rp = new Api.Problems();
                var routes = RoutesResource.check(s, e.getValue(), rp);
                rp.fields().forEach(p::add);
                if (rp.isEmpty()) {
                    changes.put(e.getKey(), routes.json());
                }
                continue;
            }
            String raw = raw(e.getValue());
            var parsed = raw == null ? Optional.empty() : key.get().parse(raw);
            if (parsed.isEmpty()) {
                p.add(e.getKey(), key.get().describeError(raw == null ? e.getValue().toString() : raw));
                continue;
            }
            changes.put(e.getKey(), key.get().format(parsed.get()));
        }
        p.throwIfAny("settings not saved");
        if (changes.isEmpty()) {
            Api.ok(res, view(s.config().settings(), false));
            return;
        }
        ServerControl server = s.server();
        String host = changes.getOrDefault(SettingKey.HOST.key(), server.host());
        int port = changes.containsKey(SettingKey.PORT.key()) ? Integer.parseInt(changes.get(SettingKey.PORT.key()))
                : server.port();
        boolean move = (changes.containsKey(SettingKey.HOST.key()) && !host.equalsIgnoreCase(server.host()))
                || (changes.containsKey(SettingKey.PORT.key()) && (port == 0 || port != server.port()));
        ServerControl.Listener fresh = null;
        if (move) {
            try {
                fresh = server.listen(host, port);
            } catch (RuntimeException ex) {
                String why = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
                String field = changes.containsKey(SettingKey.PORT.key()) ? SettingKey.PORT.key() : SettingKey.HOST.key();
                throw ApiException.invalid(field, "cannot listen on " + host + ":" + port + " (" + why
                        + "); nothing was changed");
            }
        }
        try {
            s.config().settingsRepository().putAll(changes);
        } catch (RuntimeException ex) {
            if (fresh != null) {
                fresh.abort();
            }
            throw ex;
        }
        s.config().reload();
        if (fresh != null) {
            Runnable stopOld = fresh.activate();
            res.whenSent(stopOld);
        }
        Api.ok(res, view(s.config().settings(), fresh != null));
    }

    /** A JSON value as the string form settings are parsed from; null for arrays, objects and null. */
    private static String raw(JsonValue v) {
        return switch (v.getValueType()) {
            case STRING -> ((JsonString) v).getString();
            case NUMBER -> ((JsonNumber) v).isIntegral() ? ((JsonNumber) v).bigIntegerValue().toString() : v.toString();
            case TRUE -> "true";
            case FALSE -> "false";
            default -> null;
        };
    }

    private SettingsDtos.View view(Settings st, boolean rebound) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Object> defaults = new LinkedHashMap<>();
        Map<String, String> accepted = new LinkedHashMap<>();
        for (SettingKey k : SettingKey.values()) {
            values.put(k.key(), typed(k, k.get(st)));
            defaults.put(k.key(), typed(k, k.defaultValue()));
            accepted.put(k.key(), k.accepted());
        }
        return new SettingsDtos.View(values, defaults, accepted, s.server().url(), rebound);
    }

    private static Object typed(SettingKey k, Object v) {
        if (v instanceof Routes r) {
            return RouteDtos.Routes.of(r).routes();
        }
        if (k.numeric()) {
            return ((Number) v).longValue();
        }
        if (k.bool()) {
            return v;
        }
        return k.format(v);
    }

    private static String keys() {
        List<String> out = new ArrayList<>();
        for (SettingKey k : SettingKey.values()) {
            out.add(k.key());
        }
        return String.join(", ", out);
    }
}
