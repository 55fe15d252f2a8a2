package dev.codeproxy.core.wire;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestBodyTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void findsTopLevelModelAndStreamButNotNestedOnes() {
        String json = "{\"messages\":[{\"role\":\"user\",\"content\":\"{\\\"model\\\":\\\"x\\\"}\",\"model\":\"nested\"}],"
                + "\"metadata\":{\"model\":\"nope\",\"stream\":true},\n \"model\" : \"claude-opus-4-8\", \"stream\":true}";
        RequestBody r = RequestBody.scan(b(json));
        assertEquals("claude-opus-4-8", r.model());
        assertTrue(r.stream());
    }

    @Test
    void streamFalseOrAbsent() {
        assertFalse(RequestBody.scan(b("{\"model\":\"m\",\"stream\":false}")).stream());
        assertFalse(RequestBody.scan(b("{\"model\":\"m\"}")).stream());
    }

    @Test
    void rewritesOnlyTheModelValue() {
        String json = "{\"a\":\"é日本😀\",\"model\":\"claude-sonnet-5\",\"z\":[1,2,{\"model\":\"keep\"}]}";
        RequestBody r = RequestBody.scan(b(json));
        byte[] out = r.withModel(b(json), "glm-4.6\"x");
        assertArrayEquals(b("{\"a\":\"é日本😀\",\"model\":\"glm-4.6\\\"x\",\"z\":[1,2,{\"model\":\"keep\"}]}"), out);
    }

    @Test
    void escapedModelIsDecoded() {
        assertEquals("a\"b", RequestBody.scan(b("{\"model\":\"a\\\"b\"}")).model());
    }

    @Test
    void notAnObjectOrBrokenYieldsNothing() {
        assertNull(RequestBody.scan(b("[1,2]")).model());
        assertNull(RequestBody.scan(b("{\"model\":")).model());
        assertNull(RequestBody.scan(new byte[0]).model());
        byte[] body = b("not json");
        assertArrayEquals(body, RequestBody.scan(body).withModel(body, "x"));
    }

    @Test
    void emptyStringsAndStringsThatStartWithAnEscapeAreSteppedOverWhole() {
        // once read from one byte too far in: "" ran on to the next string, "\"x" ended at its escaped quote
        for (String v : new String[] {"\"\"", "\"\\\"quoted\\\" first\"", "\"\\\\\"", "\"\\\\\\\"\"", "\"\\n\""}) {
            String json = "{\"metadata\":{\"user_id\":" + v + "},\"messages\":[{\"role\":\"user\",\"content\":" + v + "},"
                    + v + "],\"system\":" + v + ",\"x\":" + v + ",\"model\":\"claude-opus-4-8\",\"stream\":true}";
            RequestBody r = RequestBody.scan(b(json));
            assertEquals("claude-opus-4-8", r.model(), json);
            assertTrue(r.stream(), json);
            assertNotNull(r.spans(), json);
            assertEquals(3, r.spans().parts(), json);
        }
    }

    /** The spans as text: kind:start-end for each part, then the metadata value's span. */
    private static String spans(String json) {
        BodySpans s = RequestBody.scan(b(json)).spans();
        assertNotNull(s, json);
        StringBuilder t = new StringBuilder();
        for (int p = 0; p < s.parts(); p++) {
            t.append(s.kind(p)).append(':').append(json, s.start(p), s.end(p)).append(' ');
        }
        return t.append("meta:").append(s.metadataStart() < 0 ? "-" : json.substring(s.metadataStart(), s.metadataEnd()))
                .toString();
    }

    @Test
    void notesWhereTheLogsPartsAreOnItsWalk() {
        assertEquals("3:{\"role\":\"user\",\"content\":\"]\"} 3:\"x\" 1:[{\"text\":\"s\"}] 2:[] meta:{\"user_id\":\"u\"}",
                spans("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"]\"} , \"x\"],\"system\":"
                        + "[{\"text\":\"s\"}],\"tools\":[],\"metadata\":{\"user_id\":\"u\"},\"stream\":true}"));
        // any type for system and tools; messages only as an array; duplicates each, the last metadata
        assertEquals("1:\"sys\" 2:7 1:{} meta:null", spans(" {\"system\":\"sys\",\"messages\":\"no\",\"tools\":7,"
                + "\"metadata\":1,\"system\":{},\"metadata\":null}\n"));
        assertEquals("meta:-", spans("{}"));
        // what the walk gets through only by being lenient gives no spans (the log splits such a body itself)
        for (String loose : new String[] {"{\"a\":1,}", "{\"a\":1} x", "{\"messages\":[1,]}", "{\"messages\":[1 2]}",
            "{\"a\":tr\"ue\"}", "{\"a\":}"}) {
            assertNull(RequestBody.scan(b(loose)).spans(), loose);
        }
        assertNull(RequestBody.scan(b("not json")).spans());
    }

    @Test
    @Timeout(10)
    void aClosingBraceWhereAnArrayElementShouldBeEndsTheScan() {
        // these once sent the request thread round an element loop forever
        for (String body : new String[] {"{\"messages\":[1}", "{\"tools\":[1}", "{\"system\":[1}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"},}]}"}) {
            RequestBody r = RequestBody.scan(b(body));
            assertNull(r.model(), body);
            assertNull(r.spans(), body);
        }
        // a trailing comma in system is still stepped over as before
        assertEquals("m", RequestBody.scan(b("{\"system\":[1,],\"model\":\"m\"}")).model());
    }
}
