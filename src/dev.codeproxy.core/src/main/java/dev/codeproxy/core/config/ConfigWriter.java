package dev.codeproxy.core.config;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.settings.SettingKey;
import dev.codeproxy.core.settings.Settings;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.stream.JsonGenerator;

import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** Writes the export file. Keys are left out unless the caller asks for secrets. */
public final class ConfigWriter {
    private ConfigWriter() {
    }

    public static String write(Settings settings, List<Endpoint> endpoints, boolean includeSecrets, Instant now) {
        JsonObjectBuilder s = Json.createObjectBuilder();
        for (SettingKey k : SettingKey.values()) {
            Object v = k.get(settings);
            if (k.numeric()) {
                s.add(k.key(), ((Number) v).longValue());
            } else if (k.bool()) {
                s.add(k.key(), (Boolean) v);
            } else if (k == SettingKey.ROUTES) {
                // routes are a JSON array in the file, not a string
                try (var r = Json.createReader(new StringReader(k.format(v)))) {
                    s.add(k.key(), r.readArray());
                }
            } else {
                s.add(k.key(), k.format(v));
            }
        }
        var arr = Json.createArrayBuilder();
        for (Endpoint e : endpoints) {
            JsonObjectBuilder o = Json.createObjectBuilder()
                    .add("name", e.name())
                    .add("note", e.note())
                    .add("enabled", e.enabled())
                    .add("priority", e.priority())
                    .add("weight", e.weight())
                    .add("baseUrl", e.baseUrl());
            if (includeSecrets) {
                o.add("apiKey", e.apiKey());
            }
            o.add("authHeader", e.authStyle().wire())
                    .add("timeoutMs", e.timeoutMs())
                    .add("headersTimeoutMs", e.headersTimeoutMs())
                    .add("models", Json.createObjectBuilder()
                            .add("default", e.models().defaultModel())
                            .add("smallFast", e.models().smallFast())
                            .add("haiku", e.models().haiku())
                            .add("sonnet", e.models().sonnet())
                            .add("opus", e.models().opus()))
                    .add("disableNonessentialTraffic", e.disableNonessentialTraffic());
            if (!e.compat().isEmpty()) {
                // only when set: files of endpoints without it stay as they were
                JsonObjectBuilder c = Json.createObjectBuilder();
                e.compat().asMap().forEach((k, l) -> {
                    if (!l.isEmpty()) {
                        var la = Json.createArrayBuilder();
                        l.forEach(la::add);
                        c.add(k, la);
                    }
                });
                o.add("compat", c);
            }
            arr.add(o);
        }
        var root = Json.createObjectBuilder()
                .add("format", ConfigFormat.FORMAT)
                .add("exportedAt", now.truncatedTo(ChronoUnit.SECONDS).toString())
                .add("settings", s)
                .add("endpoints", arr)
                .build();
        StringWriter out = new StringWriter();
        try (var w = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(out)) {
            w.write(root);
        }
        return out.toString().strip() + "\n";
    }
}
