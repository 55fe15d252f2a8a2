package dev.codeproxy.admin.api;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Typed reads of a request object's fields; a value of the wrong type is recorded as a problem of
 * that field (and read as absent), so one response lists every mistake.
 */
final class Fields {
    private final JsonObject o;
    private final String prefix;
    private final Api.Problems problems;

    Fields(JsonObject o, String prefix, Api.Problems problems) {
        this.o = o;
        this.prefix = prefix;
        this.problems = problems;
    }

    boolean has(String key) {
        return o.containsKey(key) && o.get(key) != JsonValue.NULL;
    }

    String string(String key) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (v instanceof JsonString s) {
            return s.getString();
        }
        problems.add(prefix + key, "is " + describe(v) + "; expected a string");
        return null;
    }

    Boolean bool(String key) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (v == JsonValue.TRUE) {
            return true;
        }
        if (v == JsonValue.FALSE) {
            return false;
        }
        problems.add(prefix + key, "is " + describe(v) + "; expected true or false");
        return null;
    }

    Long integer(String key) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                // below
            }
        }
        problems.add(prefix + key, "is " + describe(v) + "; expected an integer");
        return null;
    }

    JsonObject object(String key) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (v instanceof JsonObject x) {
            return x;
        }
        problems.add(prefix + key, "is " + describe(v) + "; expected an object");
        return null;
    }

    static String describe(JsonValue v) {
        return switch (v.getValueType()) {
            case STRING -> "the string '" + Api.clip(((JsonString) v).getString()) + "'";
            case NUMBER -> "the number " + v;
            case TRUE, FALSE -> "the boolean " + v;
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
        };
    }
}
