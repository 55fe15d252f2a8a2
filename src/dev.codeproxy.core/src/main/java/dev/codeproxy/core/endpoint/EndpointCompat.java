package dev.codeproxy.core.endpoint;

import dev.codeproxy.core.wire.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an Anthropic-compatible endpoint accepts of the {@code anthropic-beta} values and top-level
 * body fields Claude Code sends (plain data). Empty lists change nothing.
 *
 * @param dropBetas   beta values never sent to this endpoint
 * @param allowBetas  when not empty, the only beta values sent (all others are dropped)
 * @param dropFields  top-level body fields removed before sending
 * @param allowFields when not empty, the only top-level fields kept, besides {@link #ESSENTIAL}
 */
public record EndpointCompat(List<String> dropBetas, List<String> allowBetas, List<String> dropFields,
                             List<String> allowFields) {
    public static final EndpointCompat NONE = new EndpointCompat(List.of(), List.of(), List.of(), List.of());
    /** Fields never dropped: without them there is no Messages request. */
    public static final Set<String> ESSENTIAL = Set.of("model", "messages", "max_tokens", "stream");
    /** The keys of the {@code compat} object in files and the admin API. */
    public static final List<String> KEYS = List.of("dropBetas", "allowBetas", "dropFields", "allowFields");

    public EndpointCompat {
        dropBetas = clean(dropBetas);
        allowBetas = clean(allowBetas);
        dropFields = clean(dropFields);
        allowFields = clean(allowFields);
    }

    public boolean isEmpty() {
        return dropBetas.isEmpty() && allowBetas.isEmpty() && dropFields.isEmpty() && allowFields.isEmpty();
    }

    /** The lists by key ({@link #KEYS} order). */
    public Map<String, List<String>> asMap() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("dropBetas", dropBetas);
        m.put("allowBetas", allowBetas);
        m.put("dropFields", dropFields);
        m.put("allowFields", allowFields);
        return m;
    }

    /** From lists by key; missing keys are empty. */
    public static EndpointCompat of(Map<String, List<String>> m) {
        return new EndpointCompat(m.get("dropBetas"), m.get("allowBetas"), m.get("dropFields"), m.get("allowFields"));
    }

    /** Problems with the values, keyed {@code compat.<key>}; a value must be a non-blank token. */
    public Map<String, String> check() {
        Map<String, String> errors = new LinkedHashMap<>();
        asMap().forEach((k, l) -> {
            for (String v : l) {
                if (v.length() > 200 || v.chars().anyMatch(c -> c <= 0x20 || c == ',' || c > 0x7e)) {
                    errors.put("compat." + k, "'" + v + "' is not accepted; expected names without spaces or commas");
                    return;
                }
            }
        });
        for (String f : dropFields) {
            if (ESSENTIAL.contains(f)) {
                errors.put("compat.dropFields", "'" + f + "' cannot be dropped: every Messages request needs "
                        + String.join(", ", new TreeSet<>(ESSENTIAL)));
            }
        }
        return errors;
    }

    /** The stored form: a JSON object of the non-empty lists, '' when there is none. */
    public String json() {
        if (isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("{");
        asMap().forEach((k, l) -> {
            if (!l.isEmpty()) {
                sb.append(sb.length() == 1 ? "" : ",").append('"').append(k).append("\":[");
                for (int i = 0; i < l.size(); i++) {
                    sb.append(i == 0 ? "\"" : ",\"").append(Json.escape(l.get(i))).append('"');
                }
                sb.append(']');
            }
        });
        return sb.append('}').toString();
    }

    /** Reads {@link #json()}'s form; '' or anything unreadable is {@link #NONE}. */
    public static EndpointCompat parseJson(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        try (var r = Json.provider().createReader(new StringReader(json))) {
            var o = r.readObject();
            Map<String, List<String>> m = new LinkedHashMap<>();
            for (String k : KEYS) {
                List<String> l = new ArrayList<>();
                if (o.get(k) instanceof JsonArray a) {
                    for (var v : a) {
                        if (v instanceof JsonString s) {
                            l.add(s.getString());
                        }
                    }
                }
                m.put(k, l);
            }
            return of(m);
        } catch (RuntimeException e) {
            return NONE;
        }
    }

    private static List<String> clean(List<String> l) {
        if (l == null || l.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String s : l) {
            String t = Objects.requireNonNullElse(s, "").strip();
            if (!t.isEmpty() && !out.contains(t)) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }
}
