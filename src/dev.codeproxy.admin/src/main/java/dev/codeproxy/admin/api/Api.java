package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.Shared;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place API handlers send JSON and turn failures into {@code {"error": ..., "fields": ...}}.
 * Responses are records written by JSON-B (the server's media support) and never cached.
 */
public final class Api {
    private static final Logger LOG = Logger.getLogger(Api.class.getName());
    /** Largest request body the API reads (an import file with many endpoints fits easily). */
    public static final int MAX_BODY = 4 * 1024 * 1024;

    private Api() {
    }

    /** A handler whose {@link ApiException}s (and unexpected failures) become JSON errors. */
    public static Handler guard(Handler h) {
        return (req, res) -> {
            try {
                h.handle(req, res);
            } catch (ApiException e) {
                send(res, e.status(), e.body() != null ? e.body() : new Shared.Error(e.getMessage(), e.fields()));
            } catch (RuntimeException e) {
                // messages of unexpected failures may quote values: keep them in the server log only
                LOG.log(Level.WARNING, "admin API " + req.prologue().method().text() + " " + req.path().path()
                        + " failed", e);
                if (!res.isSent()) {
                    send(res, 500, Shared.Error.of("internal error (" + e.getClass().getSimpleName()
                            + "); see the server log"));
                }
            }
        };
    }

    public static void ok(ServerResponse res, Object body) {
        send(res, 200, body);
    }

    public static void send(ServerResponse res, int status, Object body) {
        res.status(Status.create(status));
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(body);
    }

    public static void noContent(ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.status(Status.NO_CONTENT_204).send();
    }

    /** The body as text (at most {@link #MAX_BODY} bytes). */
    public static String text(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return "";
        }
        // refused by its declared length before a byte is read; a chunked body is read only up to the limit
        long declared = req.headers().contentLength().orElse(-1L);
        if (declared > MAX_BODY) {
            throw tooLarge(Long.toString(declared));
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw tooLarge("more than " + MAX_BODY);
            }
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiException tooLarge(String size) {
        return new ApiException(413, "request body is " + size + " bytes; at most " + MAX_BODY + " are accepted",
                Map.of());
    }

    /** The body as a JSON object. */
    public static JsonObject object(ServerRequest req) {
        String s = text(req);
        if (s.isBlank()) {
            throw ApiException.badRequest("request body is empty; expected a JSON object");
        }
        try (var r = Json.createReader(new StringReader(s))) {
            JsonValue v = r.readValue();
            if (v instanceof JsonObject o) {
                return o;
            }
            throw ApiException.badRequest("request body is " + v.getValueType().name().toLowerCase(Locale.ROOT)
                    + "; expected a JSON object");
        } catch (JsonParsingException e) {
            throw ApiException.badRequest("request body is not valid JSON (line " + e.getLocation().getLineNumber()
                    + ", column " + e.getLocation().getColumnNumber() + ")");
        } catch (JsonException e) {
            throw ApiException.badRequest("request body is not valid JSON");
        } catch (NumberFormatException e) {
            // the parser reads numbers as BigDecimal: 1e99999999999 is valid JSON no Java number holds
            throw ApiException.badRequest("request body has a number too large to read (" + e.getMessage()
                    + "); expected numbers within the ranges the fields state");
        }
    }

    /** A path parameter that must be a positive id. */
    public static long id(ServerRequest req, String what) {
        String raw = req.path().pathParameters().first("id").orElse("");
        try {
            long v = Long.parseLong(raw);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ApiException.notFound("no " + what + " with id '" + clip(raw) + "'");
    }

    /** A query parameter, null when absent or blank. */
    public static String query(ServerRequest req, String name) {
        return req.query().first(name).map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
    }

    /** A boolean query parameter ({@code true} / {@code false}), {@code dflt} when absent. */
    public static boolean flag(ServerRequest req, String name, boolean dflt) {
        String v = query(req, name);
        if (v == null) {
            return dflt;
        }
        if (v.equalsIgnoreCase("true") || v.equals("1")) {
            return true;
        }
        if (v.equalsIgnoreCase("false") || v.equals("0")) {
            return false;
        }
        throw ApiException.invalid(name, "'" + clip(v) + "' is not accepted; expected true or false");
    }

    static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    /** Field errors collected while reading a body, thrown together. */
    public static final class Problems {
        private final Map<String, String> fields = new LinkedHashMap<>();

        public void add(String field, String message) {
            fields.putIfAbsent(field, message);
        }

        public boolean isEmpty() {
            return fields.isEmpty();
        }

        public Map<String, String> fields() {
            return fields;
        }

        /** Throws a 400 naming every field when there is any problem. */
        public void throwIfAny(String what) {
            if (!fields.isEmpty()) {
                StringBuilder sb = new StringBuilder(what);
                sb.append(": ");
                boolean first = true;
                for (var e : fields.entrySet()) {
                    if (!first) {
                        sb.append("; ");
                    }
                    first = false;
                    sb.append(e.getKey()).append(' ').append(e.getValue());
                }
                throw ApiException.invalid(sb.toString(), fields);
            }
        }
    }
}
