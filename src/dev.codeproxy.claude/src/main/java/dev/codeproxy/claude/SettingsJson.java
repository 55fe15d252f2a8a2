package dev.codeproxy.claude;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes settings files the way Claude Code does: a JSON object, printed like
 * {@code JSON.stringify(obj, null, 2)} plus a newline. Key order is kept, numbers keep their
 * source text, non-ASCII stays as it is. Anything that is not one well-formed JSON object with
 * unique keys is refused, so a file is never rewritten from a guess.
 */
final class SettingsJson {
    private SettingsJson() {
    }

    /**
     * Parses a whole file whose top level must be an object. A file that is empty or only
     * whitespace counts as {@code {}}.
     *
     * @param bytes the file's content
     * @param file  named in error messages
     * @return the top-level members in file order (a fresh, mutable map)
     */
    static LinkedHashMap<String, JsonValue> parseObject(byte[] bytes, Path file) {
        String text = decode(bytes, file);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        if (text.isBlank()) {
            return new LinkedHashMap<>();
        }
        JsonValue v = parse(text, file);
        if (!(v instanceof JsonObject o)) {
            throw new ClaudeSettingsException(file, file + ": the top level is " + describe(v)
                    + ", expected a JSON object; the file was left unchanged");
        }
        return new LinkedHashMap<>(o);
    }

    private static String decode(byte[] bytes, Path file) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ClaudeSettingsException(file, file + ": not valid UTF-8; the file was left unchanged");
        }
    }

    /** One JSON value and nothing after it; duplicate keys are refused. */
    static JsonValue parse(String text, Path file) {
        try (JsonParser p = Json.createParser(new StringReader(text))) {
            if (!p.hasNext()) {
                throw malformed(file, p.getLocation(), "no JSON value");
            }
            JsonValue v = read(p, p.next(), file);
            if (p.hasNext()) {
                throw malformed(file, p.getLocation(), "unexpected content after the JSON value");
            }
            return v;
        } catch (JsonParsingException e) {
            throw malformed(file, e.getLocation(), reason(e.getMessage()));
        } catch (JsonException e) {
            throw new ClaudeSettingsException(file, file + ": cannot be read as JSON; the file was left unchanged");
        }
    }

    private static JsonValue read(JsonParser p, JsonParser.Event e, Path file) {
        return switch (e) {
            case START_OBJECT -> {
                JsonObjectBuilder b = Json.createObjectBuilder();
                Set<String> seen = new HashSet<>();
                while (true) {
                    JsonParser.Event k = p.next();
                    if (k == JsonParser.Event.END_OBJECT) {
                        yield b.build();
                    }
                    String key = p.getString();
                    if (!seen.add(key)) {
                        JsonLocation at = p.getLocation();
                        throw new ClaudeSettingsException(file, at.getLineNumber(), at.getColumnNumber(),
                                file + ": duplicate key \"" + printableKey(key) + "\" at line " + at.getLineNumber()
                                        + ", column " + at.getColumnNumber()
                                        + " (only one may stay); the file was left unchanged");
                    }
                    b.add(key, read(p, p.next(), file));
                }
            }
            case START_ARRAY -> {
                JsonArrayBuilder b = Json.createArrayBuilder();
                while (true) {
                    JsonParser.Event x = p.next();
                    if (x == JsonParser.Event.END_ARRAY) {
                        yield b.build();
                    }
                    b.add(read(p, x, file));
                }
            }
            case VALUE_STRING -> Json.createValue(p.getString());
            case VALUE_NUMBER -> new RawNumber(p.getString());
            case VALUE_TRUE -> JsonValue.TRUE;
            case VALUE_FALSE -> JsonValue.FALSE;
            case VALUE_NULL -> JsonValue.NULL;
            default -> throw malformed(file, p.getLocation(), "unexpected " + e);
        };
    }

    private static ClaudeSettingsException malformed(Path file, JsonLocation at, String why) {
        long line = at == null ? -1 : at.getLineNumber();
        long col = at == null ? -1 : Math.max(1, at.getColumnNumber());
        String where = line > 0 ? " at line " + line + ", column " + col : "";
        return new ClaudeSettingsException(file, line, col, file + ": malformed JSON" + where + ": " + why
                + "; the file was left unchanged");
    }

    /** Parsson's message without its own location suffix and without any character of the file's content. */
    private static String reason(String m) {
        if (m == null) {
            return "syntax error";
        }
        if (m.startsWith("Invalid token=")) {
            int at = m.indexOf(" at (");
            String token = m.substring("Invalid token=".length(), at < 0 ? m.length() : at);
            int exp = m.indexOf("Expected tokens are: [");
            StringBuilder sb = new StringBuilder("unexpected ").append(token(token));
            if (exp >= 0) {
                String list = m.substring(exp + "Expected tokens are: [".length());
                list = list.substring(0, Math.max(0, list.indexOf(']')));
                sb.append(", expected ").append(String.join(" or ",
                        Arrays.stream(list.split(",\\s*")).map(SettingsJson::token).toList()));
            }
            return sb.toString();
        }
        if (m.startsWith("Unexpected char -1")) {
            return "unexpected end of file";
        }
        if (m.startsWith("Unexpected char")) {
            return "unexpected character";
        }
        if (m.startsWith("Expected EOF")) {
            return "unexpected content after the JSON value";
        }
        return "syntax error";
    }

    private static String token(String t) {
        return switch (t.strip()) {
            case "CURLYOPEN" -> "'{'";
            case "CURLYCLOSE" -> "'}'";
            case "SQUAREOPEN" -> "'['";
            case "SQUARECLOSE" -> "']'";
            case "COLON" -> "':'";
            case "COMMA" -> "','";
            case "EOF" -> "end of file";
            case "STRING" -> "string";
            case "NUMBER" -> "number";
            case "TRUE" -> "true";
            case "FALSE" -> "false";
            case "NULL" -> "null";
            default -> "token";
        };
    }

    /** Key names may be shown, but not control characters, and not at any length. */
    private static String printableKey(String key) {
        StringBuilder sb = new StringBuilder();
        key.codePoints().limit(80).forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }

    static String describe(JsonValue v) {
        return switch (v.getValueType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
        };
    }

    static JsonObject object(Map<String, JsonValue> members) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        members.forEach(b::add);
        return b.build();
    }

    /** {@code JSON.stringify(members, null, 2) + "\n"}. */
    static String print(Map<String, JsonValue> members) {
        return print((JsonValue) object(members));
    }

    /** {@code JSON.stringify(value, null, 2) + "\n"}. */
    static String print(JsonValue value) {
        StringBuilder sb = new StringBuilder(1024);
        write(sb, value, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, JsonValue v, int indent) {
        switch (v.getValueType()) {
            case OBJECT -> {
                JsonObject o = v.asJsonObject();
                if (o.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append("{\n");
                int i = 0;
                for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                    pad(sb, indent + 2);
                    quote(sb, e.getKey());
                    sb.append(": ");
                    write(sb, e.getValue(), indent + 2);
                    sb.append(++i < o.size() ? ",\n" : "\n");
                }
                pad(sb, indent);
                sb.append('}');
            }
            case ARRAY -> {
                JsonArray a = v.asJsonArray();
                if (a.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append("[\n");
                for (int i = 0; i < a.size(); i++) {
                    pad(sb, indent + 2);
                    write(sb, a.get(i), indent + 2);
                    sb.append(i + 1 < a.size() ? ",\n" : "\n");
                }
                pad(sb, indent);
                sb.append(']');
            }
            case STRING -> quote(sb, ((JsonString) v).getString());
            case NUMBER -> sb.append(v);
            case TRUE -> sb.append("true");
            case FALSE -> sb.append("false");
            case NULL -> sb.append("null");
        }
    }

    private static void pad(StringBuilder sb, int n) {
        sb.repeat(' ', n);
    }

    /** Escapes like JSON.stringify: quote, backslash, control characters and lone surrogates; the rest as is. */
    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        unicode(sb, c);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                        } else {
                            unicode(sb, c);
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        unicode(sb, c);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void unicode(StringBuilder sb, char c) {
        sb.append("\\u");
        String h = Integer.toHexString(c);
        sb.repeat('0', 4 - h.length()).append(h);
    }
}
