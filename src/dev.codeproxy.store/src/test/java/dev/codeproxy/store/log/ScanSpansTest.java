package dev.codeproxy.store.log;

import dev.codeproxy.core.wire.BodySpans;
import dev.codeproxy.core.wire.RequestBody;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.Conversation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log takes a body's parts from the proxy's scan instead of walking the body again: over many
 * bodies (Claude Code's, generated ones with every shape the split has to agree on, and broken
 * ones), the scan's spans are exactly {@link BodyParts#split}'s whenever the scan gives any, it
 * gives them for every well-formed body, and the preparer prepares the same bytes either way.
 */
class ScanSpansTest {
    private static final Redactor RED = Redactor.of(List.of("sk-ant-api03-secretsecretsecret"));

    /** The scan's spans must be the split's; a body the split refuses must get none. */
    private static void assertSameSpans(byte[] body, String what) {
        BodySpans spans = RequestBody.scan(body).spans();
        BodyParts.Split split = BodyParts.split(body);
        if (spans != null) {
            assertTrue(spans.describes(body), what);
            assertNotNull(split, () -> "the scan gave spans for a body the split refuses: " + what);
            assertEquals(split, BodyParts.of(spans), what);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Everything a prepared body holds, byte for byte (compressed data by its SHA-256). */
    private static String prepared(PartPreparer.Prepared p) {
        if (p == null) {
            return "whole";
        }
        StringBuilder b = new StringBuilder(part(p.envelope())).append('\n');
        for (PartPreparer.Placed pl : p.parts()) {
            b.append(pl.kind()).append(' ').append(pl.gap()).append(' ').append(part(pl.part())).append('\n');
        }
        return b.append(p.size()).append(' ').append(p.sessionKey()).toString();
    }

    private static String part(PartPreparer.Part p) {
        return HexFormat.of().formatHex(p.hash()) + ' ' + p.size() + ' '
                + (p.data() == null ? "-" : HexFormat.of().formatHex(sha(p.data()))) + ' ' + p.from() + '-' + p.to();
    }

    private static byte[] sha(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<byte[]> claudeCodeBodies() {
        List<byte[]> bodies = new ArrayList<>();
        for (boolean stream : new boolean[] {true, false}) {
            for (int size : new int[] {1_000, 20_000, 50_000, 200_000}) {
                bodies.add(utf8(ClaudeCodeBodies.request("claude-sonnet-4-5", stream, size)));
            }
            bodies.add(utf8(ClaudeCodeBodies.minimal("claude-haiku-4-5", stream)));
        }
        bodies.add(utf8(ClaudeCodeBodies.titleRequest("claude-haiku-4-5")));
        Conversation c = new Conversation(11, "claude-opus-4-5", "0b8f3c1e-5d2a-4e77-9c10-3a4b5c6d7e8f");
        for (int n : new int[] {1, 2, 5, 17, 40}) {
            bodies.add(c.turnBytes(n));
        }
        return bodies;
    }

    @Test
    void claudeCodeBodiesGetTheSplitsSpansFromTheScanEvenSpreadOverLines() {
        SplittableRandom r = new SplittableRandom(5);
        for (byte[] body : claudeCodeBodies()) {
            assertNotNull(RequestBody.scan(body).spans());
            assertSameSpans(body, new String(body, 0, Math.min(80, body.length), StandardCharsets.UTF_8));
            byte[] loose = utf8(spread(new String(body, StandardCharsets.UTF_8), r));
            assertNotNull(RequestBody.scan(loose).spans());
            assertSameSpans(loose, "spread over lines");
        }
    }

    @Test
    void handWrittenShapesAgreeWithTheSplit() {
        String[] bodies = {
            "{}", " { } \n", " { \"messages\" : [ ] , \"system\":\"s\" } ",
            "{\"messages\":[{\"a\":\"]}\\\"\"} ,\n 1,\"x\",[[]],null]}",
            "{\"tools\":[],\"messages\":[true],\"system\":[{\"text\":\"{\\\\\"}],\"z\":-1.5e3}",
            // system as a string, an object, a number; messages not an array; tools not an array
            "{\"system\":\"You are Claude Code.\",\"messages\":\"not an array\",\"tools\":{\"a\":[1,{}]}}",
            "{\"system\":{\"a\":\"}\"},\"messages\":{\"role\":\"user\"},\"tools\":7}",
            "{\"system\":12,\"messages\":null,\"tools\":\"[\"}",
            // duplicate keys: every system/tools/messages counts, the last metadata
            "{\"system\":\"a\",\"messages\":[1],\"system\":[\"b\"],\"metadata\":{\"user_id\":\"u1\"},\"messages\":[2,3],"
                    + "\"tools\":[],\"tools\":[{}],\"metadata\":\"m\"}",
            // escaped quotes, backslashes and brackets inside strings, and keys that only look like ours
            "{\"messages\":[{\"content\":\"he said \\\"]}\\\" \\\\\"},\"{[\"],\"sys\\u0074em\":\"x\",\"system \":\"y\"}",
            "{\"messages\":[[],{},\"\",0,-0.5,true,false,null]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{}}]}]}",
            "{\n\t\"model\" :\r\n \"m\" ,\n\t\"messages\"\n:\n[\n{\n}\n,\n{\"a\":[\n]}\n]\n,\"metadata\" : { }\n}\n",
            // a system array with a trailing comma: the split takes it as one value, so does the scan
            "{\"system\":[1,],\"messages\":[]}",
            // broken: the split refuses these, the scan must give no spans
            "", "[]", "{", "{\"a\":}", "{\"a\" 1}", "{\"a\":\"x}", "{} {}", "{\"a\":1,}", "{\"a\":1} x",
            "{\"messages\":[1,]}", "{\"messages\":[1 2]}", "{\"messages\":[,1]}", "{\"messages\":[{\"a\":x\"}\"}]}",
            "{\"tools\":[1}", "{\"messages\":[1}", "{\"system\":[1}", "{\"messages\":[{\"a\":[1}]}]}",
            "{\"max_tokens\":1:2}", "{\"stream\":tru\"e\"}", "{\"messages\":[1],,\"a\":2}", "{\"a\":1 \"b\":2}",
            "{\"messages\":[{\"a\":1]}", "{\"messages\":[\"x\"", "{\"system\":\"abc", "{\"model\":\"m\"} {",
        };
        for (String b : bodies) {
            assertSameSpans(utf8(b), b);
        }
        // and the spans are there for the well-formed ones
        assertNotNull(RequestBody.scan(utf8(bodies[8])).spans());
        assertEquals(7, RequestBody.scan(utf8(bodies[8])).spans().parts());
        for (String bad : new String[] {"{\"a\":1,}", "{\"a\":1} x", "{\"messages\":[1,]}", "{\"messages\":[1 2]}",
            "{\"messages\":[{\"a\":x\"}\"}]}", "{\"messages\":[1}", "{\"tools\":[1}"}) {
            assertNull(RequestBody.scan(utf8(bad)).spans(), bad);
        }
    }

    @Test
    void generatedBodiesAndTheirBrokenCopiesAgreeWithTheSplit() {
        SplittableRandom r = new SplittableRandom(20261205);
        for (int n = 0; n < 3_000; n++) {
            String body = object(r, r.nextInt(10));
            byte[] bytes = utf8(body);
            assertNotNull(RequestBody.scan(bytes).spans(), body);
            assertSameSpans(bytes, body);
            byte[] loose = utf8(spread(body, r));
            assertNotNull(RequestBody.scan(loose).spans(), body);
            assertSameSpans(loose, body);
            // cut short, a byte gone, a byte doubled, a stray structural byte: mostly refused, never disagreeing
            assertSameSpans(utf8(body.substring(0, r.nextInt(body.length()))), "cut: " + body);
            int at = r.nextInt(body.length());
            assertSameSpans(utf8(body.substring(0, at) + body.substring(at + 1)), "without " + at + ": " + body);
            assertSameSpans(utf8(body.substring(0, at) + body.charAt(at) + body.substring(at)), "doubled " + at);
            String stray = String.valueOf("{}[],:\" x".charAt(r.nextInt(9)));
            assertSameSpans(utf8(body.substring(0, at) + stray + body.substring(at)), "'" + stray + "' at " + at);
        }
    }

    @Test
    void thePreparerPreparesTheSameBytesFromTheScansSpansAsFromItsOwnSplit() {
        List<byte[]> bodies = new ArrayList<>(claudeCodeBodies());
        SplittableRandom r = new SplittableRandom(42);
        for (int n = 0; n < 200; n++) {
            String body = object(r, r.nextInt(8));
            bodies.add(utf8(body));
            bodies.add(utf8(spread(body, r)));
            bodies.add(utf8(body.substring(0, r.nextInt(body.length()))));
        }
        // one preparer each way, fed the same sequence: what each remembers (parts, previous bodies) evolves alike
        PartPreparer viaSpans = new PartPreparer();
        PartPreparer viaSplit = new PartPreparer();
        try {
            int byParts = 0;
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < bodies.size(); i++) {
                    byte[] body = bodies.get(i);
                    String session = i % 3 == 0 ? null : "s-" + (i % 4);
                    PartPreparer.Prepared a = viaSpans.prepare(body, RequestBody.scan(body).spans(), Map.of(), session, RED);
                    PartPreparer.Prepared b = viaSplit.prepare(body, null, Map.of(), session, RED);
                    assertEquals(prepared(b), prepared(a), new String(body, StandardCharsets.UTF_8));
                    byParts += a == null ? 0 : 1;
                    assertEquals(viaSplit.project("p-" + i, body, null), viaSpans.project("p-" + i, body,
                            RequestBody.scan(body).spans()));
                }
            }
            assertTrue(byParts > bodies.size(), byParts + " of " + 2 * bodies.size() + " stored by parts");
            assertEquals(viaSplit.prepared, viaSpans.prepared);
            assertEquals(viaSplit.reused, viaSpans.reused);
            assertEquals(viaSplit.inPlace, viaSpans.inPlace);
        } finally {
            viaSpans.close();
            viaSplit.close();
        }
    }

    @Test
    void spansOfAnotherArrayAreNotUsed() {
        byte[] body = utf8("{\"system\":\"s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        BodySpans spans = RequestBody.scan(body).spans();
        byte[] copy = body.clone();
        assertTrue(spans.describes(body));
        assertTrue(!spans.describes(copy) && !spans.describes(null));
        // given with another array, the spans are ignored and the preparer splits that array itself
        byte[] other = utf8("{\"messages\":[1,2,3],\"system\":[\"a\",\"b\"],\"x\":\"0123456789\"}");
        PartPreparer p = new PartPreparer();
        PartPreparer q = new PartPreparer();
        try {
            assertEquals(prepared(q.prepare(other, null, Map.of(), "s", RED)),
                    prepared(p.prepare(other, spans, Map.of(), "s", RED)));
        } finally {
            p.close();
            q.close();
        }
    }

    // ------------------------------------------------------------------ generated bodies

    private static final String[] KEYS = {"model", "messages", "system", "tools", "metadata", "stream", "max_tokens",
        "thinking", "temperature", "x"};

    /** A random top-level object: our keys (some repeated) and others, values of every type. */
    private static String object(SplittableRandom r, int members) {
        StringBuilder b = new StringBuilder("{");
        for (int m = 0; m < members; m++) {
            String key = KEYS[r.nextInt(KEYS.length)];
            b.append(m == 0 ? "" : ",").append('"').append(key).append("\":");
            if (key.equals("messages") && r.nextInt(5) > 0) {
                b.append('[');
                int n = r.nextInt(6);
                for (int e = 0; e < n; e++) {
                    b.append(e == 0 ? "" : ",").append(r.nextBoolean() ? message(r) : value(r, 2));
                }
                b.append(']');
            } else {
                b.append(value(r, 3));
            }
        }
        return b.append('}').toString();
    }

    private static String message(SplittableRandom r) {
        return "{\"role\":\"" + (r.nextBoolean() ? "user" : "assistant") + "\",\"content\":" + (r.nextBoolean()
                ? string(r) : "[{\"type\":\"" + (r.nextBoolean() ? "text" : "image") + "\",\"text\":" + string(r) + "}]")
                + "}";
    }

    private static String value(SplittableRandom r, int depth) {
        int kind = r.nextInt(depth > 0 ? 8 : 5);
        return switch (kind) {
            case 0 -> string(r);
            case 1 -> String.valueOf(r.nextInt(-1000, 100_000));
            case 2 -> r.nextBoolean() ? "true" : "false";
            case 3 -> "null";
            case 4 -> "-12.5e-3";
            case 5, 6 -> {
                StringBuilder b = new StringBuilder("[");
                int n = r.nextInt(4);
                for (int e = 0; e < n; e++) {
                    b.append(e == 0 ? "" : ",").append(value(r, depth - 1));
                }
                yield b.append(']').toString();
            }
            default -> {
                StringBuilder b = new StringBuilder("{");
                int n = r.nextInt(4);
                for (int e = 0; e < n; e++) {
                    b.append(e == 0 ? "" : ",").append(string(r)).append(':').append(value(r, depth - 1));
                }
                yield b.append('}').toString();
            }
        };
    }

    /** A JSON string with what trips a byte scanner: escaped quotes and backslashes, brackets, non-ASCII. */
    private static String string(SplittableRandom r) {
        String[] bits = {"text", " ", "\\\"", "\\\\", "]", "}", "[", "{", ",", ":", "é", "日本", "🚀", "\\n", "\\u00e9",
            "Primary working directory: /w", "\\\\\\\"", "type", "\\/"};
        StringBuilder b = new StringBuilder("\"");
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            b.append(bits[r.nextInt(bits.length)]);
        }
        return b.append('"').toString();
    }

    /** The same JSON with whitespace and line breaks between its tokens (strings untouched). */
    private static String spread(String json, SplittableRandom r) {
        String[] ws = {"", " ", "\n", "\t", "\r\n", "  \n  "};
        StringBuilder b = new StringBuilder(json.length() + json.length() / 4);
        b.append(ws[r.nextInt(ws.length)]);
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                b.append(c);
                if (c == '\\') {
                    b.append(json.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == '}' || c == ']' || c == ',' || c == ':') {
                b.append(ws[r.nextInt(ws.length)]);
            }
            b.append(c);
            if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[' || c == ',' || c == ':') {
                b.append(ws[r.nextInt(ws.length)]);
            }
        }
        return b.append(ws[r.nextInt(ws.length)]).toString();
    }
}
