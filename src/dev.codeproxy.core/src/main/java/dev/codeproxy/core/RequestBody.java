package dev.codeproxy.core;

import java.nio.charset.StandardCharsets;

/**
 * What the proxy needs from a Messages request body, found by one pass over the bytes of the
 * top-level object (nested values are skipped, never decoded): the {@code model} string with its
 * exact byte range, and the {@code stream} flag. {@link #withModel} rewrites only that range, so
 * every other byte of the body stays identical.
 *
 * @param model      the top-level model, or null
 * @param modelStart index of the opening quote of the model value, -1 when absent
 * @param modelEnd   index after the closing quote
 * @param stream     true when {@code "stream": true}
 * @param userId     {@code metadata.user_id} (Claude Code's session fallback key), or null
 */
public record RequestBody(String model, int modelStart, int modelEnd, boolean stream, String userId) {
    private static final RequestBody NONE = new RequestBody(null, -1, -1, false, null);

    /** Scans a body; anything that is not a JSON object yields no model and no stream flag. */
    public static RequestBody scan(byte[] b) {
        try {
            return new Scanner(b).top();
        } catch (RuntimeException e) {
            return NONE;
        }
    }

    /** The body with the top-level model replaced (JSON-escaped), or the same array when there is no model. */
    public byte[] withModel(byte[] body, String newModel) {
        if (modelStart < 0) {
            return body;
        }
        byte[] repl = ("\"" + Json.escape(newModel) + "\"").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[body.length - (modelEnd - modelStart) + repl.length];
        System.arraycopy(body, 0, out, 0, modelStart);
        System.arraycopy(repl, 0, out, modelStart, repl.length);
        System.arraycopy(body, modelEnd, out, modelStart + repl.length, body.length - modelEnd);
        return out;
    }

    private static final class Scanner {
        private final byte[] b;
        private int i;

        Scanner(byte[] b) {
            this.b = b;
        }

        RequestBody top() {
            ws();
            if (i >= b.length || b[i] != '{') {
                return NONE;
            }
            i++;
            String model = null;
            int ms = -1;
            int me = -1;
            boolean stream = false;
            String userId = null;
            while (true) {
                ws();
                if (b[i] == '}') {
                    break;
                }
                int ks = i;
                skipString();
                String key = decode(ks, i);
                ws();
                expect(':');
                ws();
                int vs = i;
                skipValue();
                if (key.equals("model") && b[vs] == '"') {
                    model = decode(vs, i);
                    ms = vs;
                    me = i;
                } else if (key.equals("stream")) {
                    stream = i - vs == 4 && b[vs] == 't';
                } else if (key.equals("metadata") && b[vs] == '{') {
                    userId = new Scanner(java.util.Arrays.copyOfRange(b, vs, i)).stringField("user_id");
                }
                ws();
                if (b[i] == ',') {
                    i++;
                } else {
                    expect('}');
                    break;
                }
            }
            return new RequestBody(model, ms, me, stream, userId);
        }

        /** A top-level string field of this object, or null. */
        String stringField(String name) {
            ws();
            expect('{');
            while (true) {
                ws();
                if (b[i] == '}') {
                    return null;
                }
                int ks = i;
                skipString();
                String key = decode(ks, i);
                ws();
                expect(':');
                ws();
                int vs = i;
                skipValue();
                if (key.equals(name) && b[vs] == '"') {
                    return decode(vs, i);
                }
                ws();
                if (b[i] == ',') {
                    i++;
                } else {
                    return null;
                }
            }
        }

        private void skipValue() {
            byte c = b[i];
            if (c == '"') {
                skipString();
            } else if (c == '{' || c == '[') {
                int depth = 0;
                while (true) {
                    byte x = b[i];
                    if (x == '"') {
                        skipString();
                        continue;
                    }
                    if (x == '{' || x == '[') {
                        depth++;
                    } else if (x == '}' || x == ']') {
                        depth--;
                        if (depth == 0) {
                            i++;
                            return;
                        }
                    }
                    i++;
                }
            } else {
                while (i < b.length && b[i] != ',' && b[i] != '}' && b[i] != ']' && !isWs(b[i])) {
                    i++;
                }
            }
        }

        private void skipString() {
            expect('"');
            i = JsonBytes.stringEnd(b, i + 1);
        }

        /** Decodes a JSON string token spanning [start, end) including quotes. */
        private String decode(int start, int end) {
            String raw = new String(b, start + 1, end - start - 2, StandardCharsets.UTF_8);
            if (raw.indexOf('\\') < 0) {
                return raw;
            }
            try (var r = Json.provider().createReader(new java.io.StringReader("[" + new String(b, start, end - start,
                    StandardCharsets.UTF_8) + "]"))) {
                return r.readArray().getString(0);
            }
        }

        private void expect(char c) {
            if (b[i] != c) {
                throw new IllegalArgumentException("expected " + c);
            }
            i++;
        }

        private void ws() {
            while (i < b.length && isWs(b[i])) {
                i++;
            }
        }

        private static boolean isWs(byte c) {
            return c == ' ' || c == '\n' || c == '\r' || c == '\t';
        }
    }
}
