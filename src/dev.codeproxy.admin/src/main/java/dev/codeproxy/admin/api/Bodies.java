package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.LogDtos;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Captured bodies as the log detail shows them: JSON pretty-printed; an SSE stream reassembled
 * into the assistant's text (every {@code text_delta} joined, thinking deltas apart) plus its raw
 * events; other text as is; anything else marked binary.
 */
final class Bodies {
    private static final Map<String, ?> PRETTY = Map.of(JsonGenerator.PRETTY_PRINTING, true);

    private Bodies() {
    }

    static LogDtos.Body of(byte[] body, boolean truncated, Map<String, List<String>> headers) {
        if (body == null) {
            return LogDtos.Body.NONE;
        }
        String text = utf8(body, body.length);
        // a cut body may end inside a multi-byte character
        for (int k = 1; text == null && truncated && k <= 3 && k < body.length; k++) {
            text = utf8(body, body.length - k);
        }
        if (text == null) {
            return new LogDtos.Body("binary", null, body.length, truncated, null, null);
        }
        String type = contentType(headers);
        String start = text.stripLeading();
        if (type.contains("text/event-stream") || start.startsWith("event:") || start.startsWith("data:")) {
            return new LogDtos.Body("sse", text, body.length, truncated, sse(text), null);
        }
        if (start.startsWith("{") || start.startsWith("[")) {
            String pretty = pretty(text);
            if (pretty != null) {
                return new LogDtos.Body("json", pretty, body.length, truncated, null, text);
            }
        }
        return new LogDtos.Body("text", text, body.length, truncated, null, null);
    }

    static LogDtos.Sse sse(String text) {
        List<LogDtos.SseEvent> events = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
        for (String block : normalized.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String name = "message";
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                if (field.equals("event")) {
                    name = value;
                } else if (field.equals("data")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(value);
                }
            }
            events.add(new LogDtos.SseEvent(name, data.toString()));
            if (name.equals("content_block_delta")) {
                delta(data.toString(), out, thinking);
            }
        }
        return new LogDtos.Sse(out.toString(), thinking.toString(), events);
    }

    private static void delta(String data, StringBuilder text, StringBuilder thinking) {
        try (var r = Json.createReader(new StringReader(data))) {
            if (r.readValue() instanceof JsonObject o && o.get("delta") instanceof JsonObject d
                    && d.get("type") instanceof JsonString t) {
                switch (t.getString()) {
                    case "text_delta" -> append(d.get("text"), text);
                    case "thinking_delta" -> append(d.get("thinking"), thinking);
                    default -> {
                    }
                }
            }
        } catch (RuntimeException e) {
            // a damaged event adds nothing
        }
    }

    private static void append(JsonValue v, StringBuilder to) {
        if (v instanceof JsonString s) {
            to.append(s.getString());
        }
    }

    static String pretty(String json) {
        try (var r = Json.createReader(new StringReader(json))) {
            JsonValue v = r.readValue();
            StringWriter w = new StringWriter();
            try (var jw = Json.createWriterFactory(PRETTY).createWriter(w)) {
                jw.write(v);
            }
            return w.toString().strip();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String contentType(Map<String, List<String>> headers) {
        if (headers == null) {
            return "";
        }
        for (var e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase("content-type") && !e.getValue().isEmpty()) {
                return e.getValue().getFirst().toLowerCase(Locale.ROOT);
            }
        }
        return "";
    }

    private static String utf8(byte[] b, int len) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, 0, len)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
