package dev.codeproxy.core.usage;

import dev.codeproxy.core.wire.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;

import java.io.ByteArrayInputStream;
import java.io.StringReader;

/**
 * The usage reader as it was before it read bytes (round 2): JSON-P, a tree per usage event, a
 * streaming parser per JSON answer. Kept as the reference the byte-level one is checked against
 * (on valid input they must agree) and as the "before" of {@link UsageScannerBench}.
 *
 * <p>Reads usage from responses. Streams: the {@code message_start} usage, then every field present
 * in a later {@code message_delta} usage replaces it (values are cumulative). JSON: the top-level
 * {@code usage} object. Cache writes: {@code cache_creation.ephemeral_5m/1h_input_tokens} when
 * present, else all of {@code cache_creation_input_tokens} counts as 5-minute writes.
 */
final class ParssonReference {
    private long input;
    private long output;
    private long cacheCreation;
    private long cw5m = -1;
    private long cw1h = -1;
    private long cacheRead;
    private String model;
    private boolean seen;

    /** Feeds one SSE event; only message_start and message_delta are parsed. */
    void event(String name, String data) {
        if (!name.equals("message_start") && !name.equals("message_delta")) {
            return;
        }
        try (var r = Json.provider().createReader(new StringReader(data))) {
            JsonObject o = r.readObject();
            if (name.equals("message_start") && o.get("message") instanceof JsonObject m) {
                if (m.get("model") instanceof JsonString s) {
                    model = s.getString();
                }
                if (m.get("usage") instanceof JsonObject u) {
                    apply(u);
                }
            } else if (o.get("usage") instanceof JsonObject u) {
                apply(u);
            }
        } catch (RuntimeException e) {
            // a malformed event carries no usage we can trust; the relay forwards it regardless
        }
    }

    /**
     * Reads a whole JSON response body in one streaming pass that also checks it: only the
     * top-level {@code model} and {@code usage} are materialised, everything else is skipped.
     *
     * @return true when the body is one complete JSON value (empty or broken bodies are false)
     */
    boolean json(byte[] body) {
        if (body.length == 0) {
            return false;
        }
        try (JsonParser p = Json.provider().createParser(new ByteArrayInputStream(body))) {
            if (!p.hasNext()) {
                return false;
            }
            JsonParser.Event first = p.next();
            if (first != JsonParser.Event.START_OBJECT) {
                if (first == JsonParser.Event.START_ARRAY) {
                    skip(p);
                }
                return !p.hasNext();
            }
            while (true) {
                JsonParser.Event e = p.next();
                if (e == JsonParser.Event.END_OBJECT) {
                    break;
                }
                String key = p.getString();
                JsonParser.Event v = p.next();
                switch (v) {
                    case START_OBJECT -> {
                        if (key.equals("usage")) {
                            apply(p.getObject());
                        } else {
                            skip(p);
                        }
                    }
                    case START_ARRAY -> skip(p);
                    case VALUE_STRING -> {
                        if (key.equals("model")) {
                            model = p.getString();
                        }
                    }
                    default -> {
                    }
                }
            }
            return !p.hasNext();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Skips the object or array just started. Not Parsson's skipObject/skipArray: they loop for
     * ever on a body that ends inside the value (eclipse-ee4j/parsson#23), which held a request
     * thread at full CPU when an upstream's JSON answer was cut short. next() throws at the end.
     */
    private static void skip(JsonParser p) {
        int depth = 1;
        while (depth > 0) {
            switch (p.next()) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                default -> {
                }
            }
        }
    }

    /** Whether the text is one complete JSON value, by a full JSON-P parse (the test's yardstick). */
    static boolean complete(String text) {
        try (JsonParser p = Json.provider().createParser(new StringReader(text))) {
            if (!p.hasNext()) {
                return false;
            }
            while (p.hasNext()) {
                p.next();
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void apply(JsonObject u) {
        seen = true;
        input = num(u, "input_tokens", input);
        output = num(u, "output_tokens", output);
        cacheCreation = num(u, "cache_creation_input_tokens", cacheCreation);
        cacheRead = num(u, "cache_read_input_tokens", cacheRead);
        if (u.get("cache_creation") instanceof JsonObject cc) {
            cw5m = num(cc, "ephemeral_5m_input_tokens", Math.max(cw5m, 0));
            cw1h = num(cc, "ephemeral_1h_input_tokens", Math.max(cw1h, 0));
        }
    }

    private static long num(JsonObject o, String key, long dflt) {
        JsonValue v = o.get(key);
        return v instanceof JsonNumber n ? n.longValue() : dflt;
    }

    String model() {
        return model;
    }

    Usage usage() {
        long w5 = cw5m >= 0 || cw1h >= 0 ? Math.max(cw5m, 0) : cacheCreation;
        long w1 = Math.max(cw1h, 0);
        return new Usage(input, output, w5, w1, cacheRead);
    }
}
