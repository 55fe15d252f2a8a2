package dev.codeproxy.core.wire;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the proxy needs from a Messages request body, found by one pass over the bytes of the
 * top-level object (nested values are skipped, never decoded): the {@code model} string with its
 * exact byte range, and the {@code stream} flag. {@link #withModel} rewrites only that range, so
 * every other byte of the body stays identical.
 *
 * <p>The same pass notes what routing by request kind needs (see {@code routes.RouteKind}); it
 * walks into only the values it must look at, compares key bytes without decoding them, and
 * allocates nothing for them:
 * <ul>
 *   <li>{@code thinking}: a {@code thinking} object whose {@code type} is not {@code disabled}
 *       (Claude Code: {@code adaptive}; SDKs: {@code enabled} with {@code budget_tokens});</li>
 *   <li>{@code tools}: their number, and whether one is Anthropic's server web search tool (its
 *       {@code type} starts with {@code web_search}, as in {@code web_search_20250305}: Claude
 *       Code's WebSearch tool sends that as a request of its own);</li>
 *   <li>{@code messages}: whether the last one is a user message with image content
 *       ({@code "type":"image"} anywhere in it, tool results included): the message of this turn;</li>
 *   <li>{@code system}: whether its first block (at most 512 bytes) carries Claude Code's
 *       subagent marker {@code cc_is_subagent=true} (the billing block subagent requests start with).</li>
 * </ul>
 *
 * <p>And it notes, as it passes them, where the parts the request log stores once each lie
 * ({@link BodySpans}), so the log never walks the body a second time. Those are given only when
 * the body is the plain JSON object the log's own split accepts; a body the walk got through by
 * being lenient (a missing comma, a trailing one, a bare word with a quote in it, bytes after
 * the object) gives none, and the log splits it itself.
 *
 * @param model      the top-level model, or null
 * @param modelStart index of the opening quote of the model value, -1 when absent
 * @param modelEnd   index after the closing quote
 * @param stream     true when {@code "stream": true}
 * @param userId     {@code metadata.user_id} (Claude Code's session fallback key), or null
 * @param length     the body's size in bytes (what the input token estimate is made from)
 * @param thinking   extended thinking is on
 * @param toolCount  entries of {@code tools} (0 when absent)
 * @param webSearch  a web search server tool is offered
 * @param image      the last message is from the user and holds image content
 * @param subagent   the system prompt carries Claude Code's subagent marker
 * @param maxTokens  {@code max_tokens}, -1 when absent or not an integer
 * @param spans      where the log's parts lie in the scanned array, null when it is not a plain JSON object
 */
public record RequestBody(String model, int modelStart, int modelEnd, boolean stream, String userId, int length,
                          boolean thinking, int toolCount, boolean webSearch, boolean image, boolean subagent,
                          long maxTokens, BodySpans spans) {
    private static final RequestBody NONE = new RequestBody(null, -1, -1, false, null, 0, false, 0, false, false,
            false, -1, null);
    /** How far into {@code system} the subagent marker is looked for (it is in the first block). */
    static final int SUBAGENT_MARKER_WINDOW = 512;
    private static final byte[] SUBAGENT_MARKER = ascii("cc_is_subagent=true");
    private static final byte[] K_MODEL = ascii("model");
    private static final byte[] K_STREAM = ascii("stream");
    private static final byte[] K_METADATA = ascii("metadata");
    private static final byte[] K_THINKING = ascii("thinking");
    private static final byte[] K_TOOLS = ascii("tools");
    private static final byte[] K_MESSAGES = ascii("messages");
    private static final byte[] K_SYSTEM = ascii("system");
    private static final byte[] K_MAX_TOKENS = ascii("max_tokens");
    private static final byte[] K_TYPE = ascii("type");
    private static final byte[] K_ROLE = ascii("role");
    private static final byte[] K_CONTENT = ascii("content");
    private static final byte[] V_DISABLED = ascii("disabled");
    private static final byte[] V_WEB_SEARCH = ascii("web_search");
    private static final byte[] V_USER = ascii("user");
    private static final byte[] V_IMAGE = ascii("image");

    /** Estimated input tokens: about four bytes of request JSON per token, no tokenizer. */
    public long estimatedInputTokens() {
        return length / 4L;
    }

    /**
     * The body without the top-level members whose key {@code drop} accepts (for endpoints that
     * refuse some fields); the same array when none is dropped or the body is not a JSON object.
     * Used only for such endpoints, so it may scan again.
     */
    public static byte[] withoutFields(byte[] body, Predicate<String> drop) {
        try {
            return new Scanner(body).without(drop);
        } catch (RuntimeException e) {
            return body;
        }
    }

    /** The top-level keys of a JSON object body, in order (empty when it is not one). */
    public static List<String> topLevelKeys(byte[] body) {
        List<String> keys = new ArrayList<>();
        try {
            new Scanner(body).without(k -> {
                keys.add(k);
                return false;
            });
        } catch (RuntimeException e) {
            return List.of();
        }
        return keys;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

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
        private static final int[] NO_SPANS = new int[0];
        private final byte[] b;
        private int i;
        /** The log's parts as (kind, start, end) triples, {@code ints} of them used. */
        private int[] spans = NO_SPANS;
        private int ints;
        private int metadataStart = -1;
        private int metadataEnd = -1;
        /** False once the walk accepted something the log's split would refuse: then no spans are given. */
        private boolean strict = true;

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
            boolean thinking = false;
            int tools = 0;
            boolean webSearch = false;
            boolean image = false;
            boolean subagent = false;
            long maxTokens = -1;
            boolean firstMember = true;
            while (true) {
                ws();
                if (b[i] == '}') {
                    strict &= firstMember; // {} is an object, {"a":1,} is not
                    i++;
                    break;
                }
                firstMember = false;
                int ks = i;
                skipString();
                int ke = i;
                ws();
                expect(':');
                ws();
                int vs = i;
                byte first = b[vs];
                if (first == '[' && keyIs(ks, ke, K_TOOLS)) {
                    // walk the array element by element (the same bytes skipValue would pass)
                    i++;
                    while (true) {
                        ws();
                        if (b[i] == ']') {
                            i++;
                            break;
                        }
                        tools++;
                        if (b[i] == '{') {
                            // member by member: the type is noted on the way, nothing is read twice
                            int t = typeValue();
                            webSearch |= t >= 0 && startsWith(t + 1, V_WEB_SEARCH);
                        } else {
                            skipElement();
                        }
                        ws();
                        if (b[i] == ',') {
                            i++;
                        }
                    }
                } else if (first == '[' && keyIs(ks, ke, K_MESSAGES)) {
                    i++;
                    boolean afterComma = false;
                    while (true) {
                        ws();
                        if (b[i] == ']') {
                            strict &= !afterComma;
                            i++;
                            break;
                        }
                        // each message notes whether it is the user's with an image; the last one counts
                        int es = i;
                        image = b[i] == '{' ? userImage() : skipFalse();
                        add(BodySpans.MESSAGE, es, i);
                        ws();
                        afterComma = b[i] == ',';
                        if (afterComma) {
                            i++;
                        } else {
                            strict &= b[i] == ']';
                        }
                    }
                } else if (first == '[' && keyIs(ks, ke, K_SYSTEM)) {
                    // the first block is where the billing header (and a subagent's marker) is
                    i++;
                    ws();
                    if (b[i] != ']') {
                        int es = i;
                        skipValue();
                        subagent = contains(es, Math.min(i, es + SUBAGENT_MARKER_WINDOW), SUBAGENT_MARKER);
                    }
                    while (true) {
                        ws();
                        if (b[i] == ']') {
                            i++;
                            break;
                        }
                        if (b[i] == ',') {
                            i++;
                            ws();
                        }
                        if (b[i] != ']') {
                            skipElement();
                        }
                    }
                } else {
                    skipValue();
                }
                // the log's parts, wherever the walk above went for the routing flags
                if (keyIs(ks, ke, K_SYSTEM)) {
                    add(BodySpans.SYSTEM, vs, i);
                } else if (keyIs(ks, ke, K_TOOLS)) {
                    add(BodySpans.TOOLS, vs, i);
                } else if (keyIs(ks, ke, K_METADATA)) {
                    metadataStart = vs;
                    metadataEnd = i;
                }
                if (first == '"' && keyIs(ks, ke, K_MODEL)) {
                    model = decode(vs, i);
                    ms = vs;
                    me = i;
                } else if (keyIs(ks, ke, K_STREAM)) {
                    stream = i - vs == 4 && first == 't';
                } else if (first == '{' && keyIs(ks, ke, K_METADATA)) {
                    int end = i;
                    i = vs;
                    userId = stringField("user_id");
                    i = end;
                } else if (first == '{' && keyIs(ks, ke, K_THINKING)) {
                    int t = stringValueStart(vs, K_TYPE);
                    thinking = t >= 0 && !startsWith(t + 1, V_DISABLED);
                } else if (first == '"' && keyIs(ks, ke, K_SYSTEM)) {
                    subagent = contains(vs, Math.min(i, vs + SUBAGENT_MARKER_WINDOW), SUBAGENT_MARKER);
                } else if (keyIs(ks, ke, K_MAX_TOKENS)) {
                    maxTokens = integer(vs, i);
                }
                ws();
                if (b[i] == ',') {
                    i++;
                } else {
                    expect('}');
                    break;
                }
            }
            ws();
            strict &= i == b.length; // nothing but whitespace after the object
            return new RequestBody(model, ms, me, stream, userId, b.length, thinking, tools, webSearch, image,
                    subagent, maxTokens, strict ? new BodySpans(b, spans, ints, metadataStart, metadataEnd) : null);
        }

        /** Notes one of the log's parts: {@code b[start, end)}. */
        private void add(int kind, int start, int end) {
            if (ints + 3 > spans.length) {
                // 16 parts at first (a short conversation); a long one doubles it a few times
                spans = Arrays.copyOf(spans, Math.max(48, spans.length * 2));
            }
            spans[ints] = kind;
            spans[ints + 1] = start;
            spans[ints + 2] = end;
            ints += 3;
        }

        /** Skips an element of an array that is walked element by element; false. */
        private boolean skipFalse() {
            skipElement();
            return false;
        }

        /**
         * Skips an element of an array walked element by element. A {@code '}'} where an element
         * should be is not stepped over as an empty word, again and again forever (the loops step
         * over commas and stop at {@code ']'}, so that is the one byte that would not move them):
         * it ends the scan.
         */
        private void skipElement() {
            int at = i;
            skipValue();
            if (i == at && b[i] == '}') {
                throw new IllegalArgumentException("expected a value at " + at);
            }
        }

        /**
         * Walks the object at {@code i} member by member (leaving {@code i} after it) and returns the
         * index of the opening quote of its string member {@code type}, or -1.
         */
        private int typeValue() {
            expect('{');
            int type = -1;
            while (true) {
                ws();
                if (b[i] == '}') {
                    i++;
                    return type;
                }
                int ks = i;
                skipString();
                int ke = i;
                ws();
                expect(':');
                ws();
                int vs = i;
                skipValue();
                if (b[vs] == '"' && keyIs(ks, ke, K_TYPE)) {
                    type = vs;
                }
                ws();
                if (b[i] == ',') {
                    i++;
                }
            }
        }

        /** Walks a message object: true when its role is user and its content holds an image. */
        private boolean userImage() {
            expect('{');
            boolean user = false;
            boolean image = false;
            while (true) {
                ws();
                if (b[i] == '}') {
                    i++;
                    return user && image;
                }
                int ks = i;
                skipString();
                int ke = i;
                ws();
                expect(':');
                ws();
                int vs = i;
                if (keyIs(ks, ke, K_CONTENT)) {
                    image = skipNotingImage();
                } else {
                    skipValue();
                    if (b[vs] == '"' && keyIs(ks, ke, K_ROLE)) {
                        user = keyIs(vs, i, V_USER);
                    }
                }
                ws();
                if (b[i] == ',') {
                    i++;
                }
            }
        }

        /**
         * Skips a value like {@link #skipValue} and says whether it holds {@code "type":"image"} at
         * any depth. {@code "type"} as raw bytes (unescaped quotes) is a key or the bare string
         * "type", and only a key is followed by a colon, so text that mentions it never counts.
         */
        private boolean skipNotingImage() {
            byte c = b[i];
            if (c != '{' && c != '[') {
                skipValue();
                return false;
            }
            boolean found = false;
            int depth = 0;
            while (true) {
                byte x = b[i];
                if (x == '"') {
                    int s = i;
                    skipString();
                    if (!found && i - s == 6 && startsWith(s + 1, K_TYPE)) {
                        int q = i;
                        while (isWs(b[q])) {
                            q++;
                        }
                        if (b[q] == ':') {
                            q++;
                            while (isWs(b[q])) {
                                q++;
                            }
                            found = b[q] == '"' && startsWith(q + 1, V_IMAGE) && b[q + 1 + V_IMAGE.length] == '"';
                        }
                    }
                    continue;
                }
                if (x == '{' || x == '[') {
                    depth++;
                } else if (x == '}' || x == ']') {
                    depth--;
                    if (depth == 0) {
                        i++;
                        return found;
                    }
                }
                i++;
            }
        }

        /**
         * The index of the opening quote of a string member {@code key} of the object at {@code at},
         * or -1; the scan position is left where it was.
         */
        private int stringValueStart(int at, byte[] key) {
            int saved = i;
            i = at;
            try {
                expect('{');
                while (true) {
                    ws();
                    if (b[i] == '}') {
                        return -1;
                    }
                    int ks = i;
                    skipString();
                    int ke = i;
                    ws();
                    expect(':');
                    ws();
                    int vs = i;
                    skipValue();
                    if (b[vs] == '"' && keyIs(ks, ke, key)) {
                        return vs;
                    }
                    ws();
                    if (b[i] == ',') {
                        i++;
                    } else {
                        return -1;
                    }
                }
            } finally {
                i = saved;
            }
        }

        /** Whether the string token [ks, ke) (quotes included) is exactly {@code key} (no escapes). */
        private boolean keyIs(int ks, int ke, byte[] key) {
            return ke - ks - 2 == key.length && startsWith(ks + 1, key);
        }

        private boolean startsWith(int at, byte[] lit) {
            if (at + lit.length > b.length) {
                return false;
            }
            for (int k = 0; k < lit.length; k++) {
                if (b[at + k] != lit[k]) {
                    return false;
                }
            }
            return true;
        }

        private boolean contains(int from, int to, byte[] lit) {
            for (int p = from; p + lit.length <= to; p++) {
                if (b[p] == lit[0] && startsWith(p, lit)) {
                    return true;
                }
            }
            return false;
        }

        private long integer(int from, int to) {
            if (to - from < 1 || to - from > 18) {
                return -1;
            }
            long v = 0;
            for (int p = from; p < to; p++) {
                if (b[p] < '0' || b[p] > '9') {
                    return -1;
                }
                v = v * 10 + (b[p] - '0');
            }
            return v;
        }

        /** The object without the members whose key {@code drop} accepts (the same array when none is). */
        byte[] without(Predicate<String> drop) {
            ws();
            expect('{');
            ByteArrayOutputStream out = null;
            int copied = 0;
            boolean firstKept = true;
            while (true) {
                ws();
                if (b[i] == '}') {
                    break;
                }
                int ms = i;
                skipString();
                String key = decode(ms, i);
                ws();
                expect(':');
                ws();
                skipValue();
                int me = i;
                ws();
                boolean more = b[i] == ',';
                if (more) {
                    i++;
                }
                if (drop.test(key)) {
                    if (out == null) {
                        out = new ByteArrayOutputStream(b.length);
                    }
                    // copy what came before this member, then skip it (and its comma)
                    out.write(b, copied, ms - copied);
                    copied = more ? i : me;
                    if (!more && !firstKept) {
                        // the last member went: remove the comma written before it
                        byte[] sofar = out.toByteArray();
                        int k = sofar.length - 1;
                        while (k >= 0 && isWs(sofar[k])) {
                            k--;
                        }
                        out.reset();
                        out.write(sofar, 0, k >= 0 && sofar[k] == ',' ? k : sofar.length);
                    }
                } else {
                    firstKept = false;
                }
                if (!more) {
                    break;
                }
            }
            if (out == null) {
                return b;
            }
            out.write(b, copied, b.length - copied);
            return out.toByteArray();
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
                int at = i;
                while (i < b.length && b[i] != ',' && b[i] != '}' && b[i] != ']' && !isWs(b[i])) {
                    byte x = b[i];
                    // a bare word (number, true, null) never holds these; the log's split stops at them
                    strict &= x != '"' && x != '{' && x != '[' && x != ':';
                    i++;
                }
                strict &= i > at;
            }
        }

        private void skipString() {
            expect('"'); // i is now the first byte of the contents (or the closing quote of "")
            i = JsonBytes.stringEnd(b, i);
        }

        /** Decodes a JSON string token spanning [start, end) including quotes. */
        private String decode(int start, int end) {
            String raw = new String(b, start + 1, end - start - 2, StandardCharsets.UTF_8);
            if (raw.indexOf('\\') < 0) {
                return raw;
            }
            try (var r = Json.provider().createReader(new StringReader("[" + new String(b, start, end - start,
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
