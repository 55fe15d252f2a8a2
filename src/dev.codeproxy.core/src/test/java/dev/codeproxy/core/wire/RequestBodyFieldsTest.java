package dev.codeproxy.core.wire;

import dev.codeproxy.core.endpoint.EndpointCompat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Leaving top-level fields out (for endpoints that refuse them): every other byte stays as sent. */
class RequestBodyFieldsTest {
    private static String without(String json, String... fields) {
        Set<String> drop = Set.of(fields);
        return new String(RequestBody.withoutFields(json.getBytes(StandardCharsets.UTF_8), drop::contains),
                StandardCharsets.UTF_8);
    }

    @Test
    void firstMiddleLastAndNested() {
        String body = "{\"a\":1,\"context_management\":{\"edits\":[{\"type\":\"x\"}]},\"b\":\"s,}\",\"c\":[1,{\"a\":2}]}";
        assertEquals("{\"context_management\":{\"edits\":[{\"type\":\"x\"}]},\"b\":\"s,}\",\"c\":[1,{\"a\":2}]}",
                without(body, "a"));
        assertEquals("{\"a\":1,\"b\":\"s,}\",\"c\":[1,{\"a\":2}]}", without(body, "context_management"));
        assertEquals("{\"a\":1,\"context_management\":{\"edits\":[{\"type\":\"x\"}]},\"b\":\"s,}\"}", without(body, "c"));
        assertEquals("{}", without(body, "a", "context_management", "b", "c"));
        // only top-level keys: the nested "a" and "type" stay
        assertEquals("{\"c\":[1,{\"a\":2}]}", without(body, "a", "context_management", "b"));
    }

    @Test
    void whitespaceAndNothingToDrop() {
        String pretty = "{\n  \"model\": \"m\",\n  \"output_config\": {\"effort\": \"high\"}\n}";
        assertEquals("{\n  \"model\": \"m\"\n}", without(pretty, "output_config"));
        byte[] same = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
        assertSame(same, RequestBody.withoutFields(same, k -> k.equals("x")));
        byte[] junk = "not json".getBytes(StandardCharsets.UTF_8);
        assertSame(junk, RequestBody.withoutFields(junk, k -> true));
    }

    @Test
    void topLevelKeysInOrder() {
        assertEquals(List.of("model", "messages", "thinking"), RequestBody.topLevelKeys(
                "{\"model\":\"m\",\"messages\":[{\"model\":1}],\"thinking\":{}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(), RequestBody.topLevelKeys("[]".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void compatJsonRoundTripAndChecks() {
        EndpointCompat c = new EndpointCompat(List.of("b1", " b1 ", "b2"), List.of(), List.of("context_management"), null);
        assertEquals(List.of("b1", "b2"), c.dropBetas());
        assertEquals(c, EndpointCompat.parseJson(c.json()));
        assertEquals("", EndpointCompat.NONE.json());
        assertEquals(EndpointCompat.NONE, EndpointCompat.parseJson("garbage"));
        assertEquals(Set.of("compat.dropFields"),
                new EndpointCompat(null, null, List.of("messages"), null).check().keySet());
        assertEquals(Set.of("compat.allowBetas"),
                new EndpointCompat(null, List.of("a b"), null, null).check().keySet());
    }
}
