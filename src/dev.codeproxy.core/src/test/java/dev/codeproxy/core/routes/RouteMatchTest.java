package dev.codeproxy.core.routes;

import dev.codeproxy.core.wire.RequestBody;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.codeproxy.core.routes.CcBodies.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind detected on bodies shaped like Claude Code's, and the first-match-wins order. */
class RouteMatchTest {
    private static final Routes ALL = Routes.parse("[{\"match\":\"subagent\",\"endpoints\":[\"a\"]},"
            + "{\"match\":\"background\",\"endpoints\":[\"cheap\"],\"model\":\"glm-4.5-air\"},"
            + "{\"match\":\"webSearch\",\"endpoints\":[\"search\"]},"
            + "{\"match\":\"image\",\"endpoints\":[\"vision\"]},"
            + "{\"match\":\"longContext\",\"minInputTokens\":60000,\"endpoints\":[\"big\"]},"
            + "{\"match\":\"model:HAIKU\",\"endpoints\":[\"h\"]},"
            + "{\"match\":\"thinking\",\"endpoints\":[\"best\",\"b2\"]}]");

    private static String route(String body) {
        return route(body, false);
    }

    private static String route(String body, boolean agentHeader) {
        Route r = ALL.match(RequestBody.scan(bytes(body)), agentHeader);
        return r == null ? Routes.DEFAULT : r.match();
    }

    @Test
    void mainRequestIsThinking() {
        RequestBody b = RequestBody.scan(bytes(CcBodies.main("claude-opus-5-5")));
        assertEquals("claude-opus-5-5", b.model());
        assertTrue(b.thinking());
        assertEquals(12, b.toolCount());
        assertFalse(b.webSearch());
        assertFalse(b.image());
        assertFalse(b.subagent());
        assertEquals(128000, b.maxTokens());
        assertEquals("thinking", route(CcBodies.main("claude-opus-5-5")));
    }

    @Test
    void titleRequestIsBackground() {
        RequestBody b = RequestBody.scan(bytes(CcBodies.title("claude-opus-5-5")));
        assertEquals(0, b.toolCount());
        assertFalse(b.thinking());
        assertEquals("background", route(CcBodies.title("claude-opus-5-5")));
        // with a Haiku small/fast model it is still background: the first matching rule wins
        assertEquals("background", route(CcBodies.title("claude-haiku-4-5-20251001")));
    }

    @Test
    void subagentByMarkerOrHeader() {
        assertTrue(RequestBody.scan(bytes(CcBodies.subagent("claude-sonnet-5"))).subagent());
        assertEquals("subagent", route(CcBodies.subagent("claude-sonnet-5")));
        // the header alone is enough (a subagent of a version without the marker)
        assertEquals("subagent", route(CcBodies.main("claude-sonnet-5"), true));
        // the marker further into the prompt than the first block does not count
        String late = CcBodies.main("m").replace("Use the tools available to you. ", "cc_is_subagent=true ");
        assertFalse(RequestBody.scan(bytes(late)).subagent());
    }

    @Test
    void webSearchServerTool() {
        assertTrue(RequestBody.scan(bytes(CcBodies.webSearch("claude-sonnet-5"))).webSearch());
        assertEquals("webSearch", route(CcBodies.webSearch("claude-sonnet-5")));
        // Claude Code's own client tool named WebSearch is offered on every main request: not a web search
        assertFalse(RequestBody.scan(bytes(CcBodies.main("m").replace("\"Agent\"", "\"WebSearch\""))).webSearch());
    }

    @Test
    void imageOnlyInTheNewUserMessage() {
        String img = "[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBOR\"}},"
                + "{\"type\":\"text\",\"text\":\"what is this?\"}]";
        assertEquals("image", route(CcBodies.main("claude-opus-5-5", img)));
        // an image returned by a tool (Read of a screenshot) is in the new message too
        String toolResult = "[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":[{\"type\": \"image\","
                + "\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBOR\"}}]}]";
        assertEquals("image", route(CcBodies.main("claude-opus-5-5", toolResult)));
        // text that only talks about "type":"image" is escaped inside a string: no match
        assertEquals("thinking", route(CcBodies.main("m",
                "[{\"type\":\"text\",\"text\":\"{\\\"type\\\":\\\"image\\\"}\"}]")));
        // an image in an earlier message, the new one plain text: not an image request
        String earlier = CcBodies.main("m").replace("[{\"type\":\"text\",\"text\":\"Earlier answer\"}]",
                "[{\"type\":\"text\",\"text\":\"ok\"}]").replaceFirst("\\[\\{\"type\":\"text\",\"text\":\"<system-reminder>",
                "[{\"type\":\"image\",\"source\":{}},{\"type\":\"text\",\"text\":\"<system-reminder>");
        assertTrue(earlier.contains("\"type\":\"image\""));
        assertFalse(RequestBody.scan(bytes(earlier)).image());
    }

    @Test
    void longContextFromBodySize() {
        String big = CcBodies.main("claude-opus-5-5", "\"" + "x".repeat(260_000) + "\"");
        RequestBody b = RequestBody.scan(bytes(big));
        assertTrue(b.estimatedInputTokens() >= 60_000);
        assertEquals("longContext", route(big));
        assertTrue(RequestBody.scan(bytes(CcBodies.main("m"))).estimatedInputTokens() < 60_000);
    }

    @Test
    void modelSubstringIgnoresCase() {
        String plain = "{\"model\":\"claude-haiku-4-5-20251001\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}],\"tools\":[{\"name\":\"x\",\"input_schema\":{}}]}";
        assertEquals("model:HAIKU", route(plain));
        assertEquals("model:haiku", Routes.parse("[{\"match\":\"model:haiku\",\"endpoints\":[\"a\"]}]").rules().getFirst().match());
    }

    @Test
    void firstMatchWinsAndNoMatchIsDefault() {
        Routes r = Routes.parse("[{\"match\":\"thinking\",\"endpoints\":[\"a\"]},{\"match\":\"model:opus\",\"endpoints\":[\"b\"]}]");
        assertEquals("thinking", r.match(RequestBody.scan(bytes(CcBodies.main("claude-opus-5-5"))), false).match());
        assertNull(Routes.NONE.match(RequestBody.scan(bytes(CcBodies.main("m"))), false));
        assertNull(r.match(RequestBody.scan(bytes("{\"model\":\"claude-sonnet-5\",\"tools\":[{}]}")), false));
        // not JSON at all: never a kind (not even background)
        assertNull(ALL.match(RequestBody.scan(bytes("not json")), false));
    }

    @Test
    void thinkingDisabledIsNotThinking() {
        assertFalse(RequestBody.scan(bytes("{\"thinking\":{\"type\":\"disabled\"}}")).thinking());
        assertTrue(RequestBody.scan(bytes("{\"thinking\":{\"budget_tokens\":1024,\"type\":\"enabled\"}}")).thinking());
    }

    @Test
    void jsonRoundTripKeepsOrderAndFields() {
        assertEquals(7, ALL.rules().size());
        assertEquals(ALL, Routes.parse(ALL.json()));
        assertEquals(List.of("best", "b2"), ALL.rules().getLast().endpoints());
        assertEquals("glm-4.5-air", ALL.rules().get(1).model());
    }
}
