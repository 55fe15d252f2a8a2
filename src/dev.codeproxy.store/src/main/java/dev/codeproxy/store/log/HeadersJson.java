package dev.codeproxy.store.log;

import dev.codeproxy.core.secret.Credentials;
import dev.codeproxy.core.wire.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Headers as stored: a JSON object of lower-case name to the list of values, in arrival order. */
final class HeadersJson {
    private HeadersJson() {
    }

    /**
     * Headers redacted and written in one pass: a header whose name is a credential's by
     * {@link Credentials#masksHeader the rule} (key, token, secret, auth, session, signature,
     * password, cookie, credential) is stored as {@code [redacted]}, every other value and every
     * name has the known secrets and key shapes masked by the redactor. Names that are already
     * lower case and unique (what the proxy hands over) take the fast path; others are lower-cased
     * and merged first.
     */
    static String write(Map<String, List<String>> headers, Redactor red) {
        if (headers == null || headers.isEmpty()) {
            return "{}";
        }
        Map<String, List<String>> h = headers;
        for (String name : headers.keySet()) {
            if (name == null || !isLowerCase(name)) {
                h = lowerCased(headers);
                break;
            }
        }
        StringBuilder sb = new StringBuilder(64 * h.size());
        sb.append('{');
        boolean firstName = true;
        for (Map.Entry<String, List<String>> e : h.entrySet()) {
            if (!firstName) {
                sb.append(',');
            }
            firstName = false;
            String name = e.getKey();
            sb.append('"');
            escape(sb, red.text(name));
            sb.append("\":[");
            List<String> values = e.getValue() == null ? List.of() : e.getValue();
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append('"');
                String v = values.get(i) == null ? "" : values.get(i);
                escape(sb, Credentials.masksHeader(name, v) ? Credentials.MASK : red.text(v));
                sb.append('"');
            }
            sb.append(']');
        }
        return sb.append('}').toString();
    }

    private static Map<String, List<String>> lowerCased(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null) {
                out.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .addAll(e.getValue() == null ? List.of() : e.getValue());
            }
        }
        return out;
    }

    private static boolean isLowerCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z' || c > 0x7f) {
                return false;
            }
        }
        return true;
    }

    static String write(Map<String, List<String>> headers) {
        if (headers == null || headers.isEmpty()) {
            return "{}";
        }
        StringBuilder sb = new StringBuilder(64 * headers.size());
        sb.append('{');
        boolean firstName = true;
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (!firstName) {
                sb.append(',');
            }
            firstName = false;
            sb.append('"');
            escape(sb, e.getKey());
            sb.append("\":[");
            boolean first = true;
            for (String v : e.getValue()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append('"');
                escape(sb, v);
                sb.append('"');
            }
            sb.append(']');
        }
        return sb.append('}').toString();
    }

    /** Header values rarely need escaping: append them whole unless they do. */
    private static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                sb.append(Json.escape(s));
                return;
            }
        }
        sb.append(s);
    }

    static Map<String, List<String>> read(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (JsonReader r = jakarta.json.Json.createReader(new StringReader(json))) {
            JsonObject o = r.readObject();
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                List<String> values = new ArrayList<>();
                if (e.getValue() instanceof JsonArray a) {
                    for (JsonValue v : a) {
                        values.add(v instanceof JsonString s ? s.getString() : v.toString());
                    }
                }
                out.put(e.getKey(), List.copyOf(values));
            }
        }
        return out;
    }
}
