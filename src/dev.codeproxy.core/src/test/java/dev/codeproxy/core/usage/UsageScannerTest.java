package dev.codeproxy.core.usage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Usage and model read from JSON answers and SSE events at the byte level, and the answer check. */
class UsageScannerTest {
    static final String MODEL = "claude-sonnet-4-5-20250929";
    static final String START_USAGE = "{\"input_tokens\":25,\"cache_creation_input_tokens\":10,"
            + "\"cache_read_input_tokens\":5,\"cache_creation\":{\"ephemeral_5m_input_tokens\":10,"
            + "\"ephemeral_1h_input_tokens\":0},\"output_tokens\":1,\"service_tier\":\"standard\"}";

    /** A Messages API answer, as Anthropic sends it (the testkit's jsonMessage shape). */
    static String answer(String model, String text, String usage) {
        return "{\"id\":\"msg_01FakeUpstreamTestkit0001\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
                + model + "\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null,\"usage\":" + usage + "}";
    }

    static String answer(String text) {
        return answer(MODEL, text, "{\"input_tokens\":25,\"cache_creation_input_tokens\":10,"
                + "\"cache_read_input_tokens\":5,\"cache_creation\":{\"ephemeral_5m_input_tokens\":10,"
                + "\"ephemeral_1h_input_tokens\":0},\"output_tokens\":7,\"service_tier\":\"standard\"}");
    }

    static String messageStart(String model, String usage) {
        return "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01FakeUpstreamTestkit0001\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":" + usage + "}}";
    }

    static String messageDelta(String usage) {
        return "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                + "\"usage\":" + usage + "}";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static UsageScanner json(String body) {
        UsageScanner s = new UsageScanner();
        assertTrue(s.json(utf8(body)), body);
        return s;
    }

    // ------------------------------------------------------------------ what is read

    @Test
    void aJsonAnswerGivesItsModelAndUsage() {
        UsageScanner s = json(answer("Hello"));
        assertEquals(MODEL, s.model());
        assertEquals(new Usage(25, 7, 10, 0, 5), s.usage());
        assertTrue(s.seen());
    }

    @Test
    void aStreamTakesMessageStartThenEveryFieldOfTheCumulativeDelta() {
        UsageScanner s = new UsageScanner();
        s.event("message_start", messageStart(MODEL, START_USAGE));
        assertEquals(new Usage(25, 1, 10, 0, 5), s.usage());
        // message_delta counts are cumulative: present fields replace, absent ones stay
        s.event("message_delta", messageDelta("{\"output_tokens\":32}"));
        assertEquals(new Usage(25, 32, 10, 0, 5), s.usage());
        s.event("message_delta", messageDelta("{\"input_tokens\":30,\"cache_read_input_tokens\":9,"
                + "\"output_tokens\":40}"));
        assertEquals(new Usage(30, 40, 10, 0, 9), s.usage());
        assertEquals(MODEL, s.model());
    }

    @Test
    void otherEventsAreNotRead() {
        UsageScanner s = new UsageScanner();
        s.event("content_block_delta", "{\"usage\":{\"output_tokens\":5}}");
        s.event("ping", "{\"type\":\"ping\",\"message\":{\"model\":\"x\"}}");
        assertEquals(Usage.NONE, s.usage());
        assertNull(s.model());
        assertFalse(s.seen());
    }

    @Test
    void cacheWritesSplitByTtlWhenTheBreakdownIsThereElseAllAreFiveMinute() {
        UsageScanner split = json(answer(MODEL, "x", "{\"input_tokens\":1,\"cache_creation_input_tokens\":30,"
                + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":10,\"ephemeral_1h_input_tokens\":20}}"));
        assertEquals(new Usage(1, 0, 10, 20, 0), split.usage());
        UsageScanner flat = json(answer(MODEL, "x", "{\"input_tokens\":1,\"cache_creation_input_tokens\":30}"));
        assertEquals(new Usage(1, 0, 30, 0, 0), flat.usage());
        UsageScanner only1h = json(answer(MODEL, "x", "{\"cache_creation_input_tokens\":30,"
                + "\"cache_creation\":{\"ephemeral_1h_input_tokens\":30}}"));
        assertEquals(new Usage(0, 0, 0, 30, 0), only1h.usage());
        // a breakdown that is not an object is no breakdown
        UsageScanner notObject = json(answer(MODEL, "x", "{\"cache_creation_input_tokens\":30,\"cache_creation\":7}"));
        assertEquals(new Usage(0, 0, 30, 0, 0), notObject.usage());
    }

    @Test
    void aLaterDeltaWithoutTheBreakdownKeepsTheOneFromMessageStart() {
        UsageScanner s = new UsageScanner();
        s.event("message_start", messageStart(MODEL, "{\"input_tokens\":3,\"cache_creation_input_tokens\":30,"
                + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":10,\"ephemeral_1h_input_tokens\":20}}"));
        s.event("message_delta", messageDelta("{\"output_tokens\":4,\"cache_creation_input_tokens\":31}"));
        assertEquals(new Usage(3, 4, 10, 20, 0), s.usage());
        s.event("message_delta", messageDelta("{\"cache_creation\":{\"ephemeral_1h_input_tokens\":21}}"));
        assertEquals(new Usage(3, 4, 10, 21, 0), s.usage());
    }

    @Test
    void escapesInTheModelAreDecoded() {
        assertEquals("claude-é-\"x\"\\/\n😀", json(answer("claude-\\u00e9-\\\"x\\\"\\\\\\/\\n\\ud83d\\ude00", "x",
                "{}")).model());
        assertEquals("claude-é-😀", json(answer("claude-é-😀", "x", "{}")).model(), "raw UTF-8");
        UsageScanner s = new UsageScanner();
        s.event("message_start", messageStart("m\\u0041\\t", "{}"));
        assertEquals("mA\t", s.model());
    }

    @Test
    void keysWrittenWithEscapesNameTheSameMembers() {
        // JSON-P decoded keys; "us\u0061ge" is the member usage
        UsageScanner s = json("{\"mod\\u0065l\":\"m1\",\"us\\u0061ge\":{\"input\\u005ftokens\":4}}");
        assertEquals("m1", s.model());
        assertEquals(4, s.usage().input());
        UsageScanner e = new UsageScanner();
        e.event("message_delta", "{\"\\u0075sage\":{\"output_tokens\":6}}");
        assertEquals(6, e.usage().output());
    }

    @Test
    void onlyTheTopLevelUsageAndModelCount() {
        // a usage (and a model) inside content, as text or as a tool's input, is the answer's content
        String body = "{\"content\":[{\"type\":\"tool_use\",\"input\":{\"model\":\"fake\",\"usage\":{\"input_tokens\":"
                + "999,\"output_tokens\":999}}},{\"type\":\"text\",\"text\":"
                + "\"\\\"usage\\\":{\\\"input_tokens\\\":7}\"}],"
                + "\"meta\":{\"usage\":{\"input_tokens\":5}},\"model\":\"real\",\"usage\":{\"input_tokens\":2,"
                + "\"output_tokens\":3}}";
        UsageScanner s = json(body);
        assertEquals(new Usage(2, 3, 0, 0, 0), s.usage());
        assertEquals("real", s.model());
        UsageScanner none = json("{\"content\":[{\"usage\":{\"input_tokens\":9}}],\"model\":{\"name\":\"x\"}}");
        assertEquals(Usage.NONE, none.usage());
        assertNull(none.model());
        assertFalse(none.seen());
        // in an event, only message.usage (message_start) or the top-level usage (message_delta)
        UsageScanner e = new UsageScanner();
        e.event("message_delta", "{\"delta\":{\"usage\":{\"output_tokens\":50}},\"usage\":{\"output_tokens\":5}}");
        assertEquals(5, e.usage().output());
        e.event("message_start", "{\"message\":{\"content\":[{\"usage\":{\"input_tokens\":70}}],\"usage\":"
                + "{\"input_tokens\":7}}}");
        assertEquals(7, e.usage().input());
    }

    @Test
    void aMessageStartWithoutAMessageObjectFallsBackToItsTopLevelUsage() {
        UsageScanner s = new UsageScanner();
        s.event("message_start", "{\"message\":\"gone\",\"usage\":{\"input_tokens\":8}}");
        assertEquals(8, s.usage().input());
        s.event("message_delta", "{\"message\":{\"usage\":{\"input_tokens\":80}},\"usage\":{\"output_tokens\":2}}");
        assertEquals(new Usage(8, 2, 0, 0, 0), s.usage(), "a delta's message is not read");
    }

    @Test
    void usageTwiceInAnAnswerAppliesBothInOrder() {
        // as the streaming JSON-P pass did: each top-level usage applied as it came
        UsageScanner s = json("{\"usage\":{\"input_tokens\":1,\"output_tokens\":2},\"model\":\"a\",\"usage\":"
                + "{\"output_tokens\":3},\"model\":\"b\",\"model\":7}");
        assertEquals(new Usage(1, 3, 0, 0, 0), s.usage());
        assertEquals("b", s.model(), "a model that is not a string does not replace one");
    }

    @Test
    void aKeyTwiceInAnEventCountsOnceWithItsLastValue() {
        // as when the event was read into an object (a map: the last value of a key wins)
        UsageScanner s = new UsageScanner();
        s.event("message_delta",
                "{\"usage\":{\"input_tokens\":1,\"output_tokens\":2},\"usage\":{\"output_tokens\":3}}");
        assertEquals(new Usage(0, 3, 0, 0, 0), s.usage());
        s.event("message_delta", "{\"usage\":{\"output_tokens\":4,\"output_tokens\":\"many\"}}");
        assertEquals(3, s.usage().output(), "the last output_tokens is not a number: the value held stays");
        s.event("message_start", "{\"message\":{\"model\":\"a\",\"model\":5}}");
        assertNull(s.model(), "the last model is not a string");
        s.event("message_start", "{\"message\":{\"model\":\"a\"},\"message\":{\"model\":\"b\"}}");
        assertEquals("b", s.model());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e3", "1E3", "1.0", "2.5", "-1", "-0", "9999999999999999999999", "9223372036854775808",
        "\"12\"", "true", "null", "[12]", "{\"v\":12}"})
    void aCountThatIsNotAPlainNonNegativeLongIsIgnored(String value) {
        UsageScanner s = new UsageScanner();
        s.event("message_start", messageStart(MODEL, "{\"input_tokens\":11,\"output_tokens\":12,"
                + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":13}}"));
        s.event("message_delta", messageDelta("{\"input_tokens\":" + value + ",\"output_tokens\":" + value
                + ",\"cache_read_input_tokens\":" + value + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":"
                + value + "}}"));
        assertEquals(new Usage(11, 12, 13, 0, 0), s.usage(), value);
        UsageScanner j = json(answer(MODEL, "x", "{\"input_tokens\":" + value + ",\"output_tokens\":4}"));
        assertEquals(new Usage(0, 4, 0, 0, 0), j.usage(), value);
    }

    @Test
    void theLargestLongIsACount() {
        UsageScanner s = json(answer(MODEL, "x", "{\"input_tokens\":9223372036854775807,\"output_tokens\":0}"));
        assertEquals(Long.MAX_VALUE, s.usage().input());
    }

    // ------------------------------------------------------------------ the answer check

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", "[1,2,{\"a\":null}]", "  {\"a\":true}\n", "\t\r\n{ \"a\" : [ ] , \"b\" : { } }",
        "12", "-0.5e+3", "\"text\"", "null", "true", "false", "[\"\\u00e9\\ud83d\\ude00\\b\\f\\n\\r\\t\\/\"]",
        "{\"\":\"\"}", "[0,-0,1.5,1e9,1E-9,-12.75e+2]"})
    void everyJsonValueIsAnAnswer(String body) {
        assertTrue(new UsageScanner().json(utf8(body)), body);
        assertTrue(new ParssonReference().json(utf8(body)), "the old check agreed: " + body);
    }

    @Test
    void aSingleDigitIsAnAnswerThoughTheOldCheckRefusedIt() {
        // JSON-P needed two bytes to guess the encoding and refused any one-byte body; "7" is a JSON
        // value, and no upstream answer (an object) cut short is one
        for (String digit : new String[] {"0", "7", " 7", "7\n"}) {
            assertTrue(new UsageScanner().json(utf8(digit)), digit);
        }
        assertFalse(new ParssonReference().json(utf8("7")));
        assertFalse(new UsageScanner().json(utf8("-")));
        assertFalse(new UsageScanner().json(utf8("x")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "<html><body>502 Bad Gateway</body></html>", "upstream connect error", "{\"a\":",
        "{\"a\":1", "{\"a\" 1}", "{'a':1}", "[1,2,", "\"unterminated", "{} {}", "{}garbage", "   ", "\u0000\u0000",
        "{\"a\":1,}", "[1,]", "[,1]", "{,}", "{\"a\"}", "{\"a\":1 \"b\":2}", "[1 2]", "{1:2}", "]", "}", "[}", "{]",
        "[[]", "[]]", "tru", "nul", "fals", "True", "nan", "01", "1.", ".5", "-", "1e", "1e+", "+1", "0x10",
        "\"a\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"tab\there\"", "\"line\nbreak\"", "[\"a\"\"b\"]", "\"\\\"",
        "{\"a\":tru}", "[truex]", "[null1]", "//c\n{}", "{}\u0000"})
    void anythingElseIsNot(String body) {
        assertFalse(new UsageScanner().json(utf8(body)), body);
        assertFalse(new ParssonReference().json(utf8(body)), "the old check agreed: " + body);
    }

    @Test
    void aUtf8ByteOrderMarkMayLeadAnAnswer() {
        byte[] body = utf8("\uFEFF" + answer("x"));
        assertEquals(3, body.length - utf8(answer("x")).length);
        UsageScanner s = new UsageScanner();
        assertTrue(s.json(body));
        assertEquals(MODEL, s.model());
        assertTrue(new ParssonReference().json(body), "the old check agreed");
        assertFalse(new UsageScanner().json(utf8("\uFEFF")));
        assertFalse(new UsageScanner().json(utf8("{}\uFEFF")), "only at the start");
    }

    /**
     * The reason for the check: an answer the upstream cut short. Every prefix of a real answer is
     * refused, and at once: JSON-P's skipObject looped for ever on some of them (parsson#23), which
     * held a request thread at full CPU. The timeout only guards against such a hang.
     */
    @Test
    @Timeout(60)
    void everyPrefixOfAnAnswerIsRefused() {
        byte[] whole = utf8(answer("Hello \\\"quoted\\\" \\u00e9 " + "x".repeat(40)));
        assertTrue(new UsageScanner().json(whole));
        for (int n = 0; n < whole.length; n++) {
            byte[] cut = Arrays.copyOf(whole, n);
            assertFalse(new UsageScanner().json(cut), () -> new String(cut, StandardCharsets.UTF_8));
        }
        // the shape that made skipObject spin: cut inside a nested value
        assertFalse(new UsageScanner().json(utf8("{\"id\":\"msg_1\",\"content\":[")));
        assertFalse(new UsageScanner().json(utf8("{\"id\":\"msg_1\",\"content\":[{\"type\":\"text\",\"text\":\"hi")));
        assertFalse(new UsageScanner().json(utf8("{\"id\":\"msg_1\",\"usage\":{\"input_tokens\"")));
    }

    @Test
    void aStringCutShortIsNotReadBeyondItsEvent() {
        // an event's data line lies in a larger buffer: the walk must stop at its end, not at a quote after it
        UsageScanner s = new UsageScanner();
        byte[] frame = utf8("event: message_delta\ndata: {\"usage\":{\"output_tokens\":5},\"x\":\"cut\n\n"
                + "event: ping\ndata: {\"type\":\"ping\"}\n\n");
        int len = frame.length - "event: ping\ndata: {\"type\":\"ping\"}\n\n".length();
        s.frame("message_delta", frame, 0, len);
        assertEquals(Usage.NONE, s.usage());
        assertFalse(s.seen());
    }

    // ------------------------------------------------------------------ hostile input

    @Test
    void deepNestingIsRefusedWithoutBlowingTheStack() {
        int depth = 100_000;
        byte[] deep = utf8("[".repeat(depth) + "]".repeat(depth));
        assertFalse(new UsageScanner().json(deep), "deeper than JSON-P's limit, which the old check had");
        assertFalse(new UsageScanner().json(utf8("{\"a\":".repeat(depth) + "1" + "}".repeat(depth))));
        assertFalse(new UsageScanner().json(utf8("[".repeat(depth))));
        UsageScanner s = new UsageScanner();
        s.event("message_delta", "{\"usage\":{\"output_tokens\":1,\"x\":" + "[".repeat(depth) + "]".repeat(depth)
                + "}}");
        assertFalse(s.seen(), "the event is refused as a whole");
    }

    @Test
    void nestingUpToTheLimitIsAccepted() {
        int max = JsonWalk.MAX_DEPTH;
        assertTrue(new UsageScanner().json(utf8("[".repeat(max) + "]".repeat(max))));
        assertTrue(new ParssonReference().json(utf8("[".repeat(max) + "]".repeat(max))), "the old check agreed");
        assertFalse(new UsageScanner().json(utf8("[".repeat(max + 1) + "]".repeat(max + 1))));
        assertFalse(new ParssonReference().json(utf8("[".repeat(max + 1) + "]".repeat(max + 1))), "the old too");
        // objects and arrays mixed past 64 levels (where the walk's record of levels changes words)
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int d = 0; d < max - 1; d++) {
            open.append(d % 3 == 0 ? "{\"k\":" : "[");
            close.insert(0, d % 3 == 0 ? "}" : "]");
        }
        String mixed = "{\"usage\":{\"input_tokens\":3},\"deep\":" + open + "1" + close + "}";
        UsageScanner s = json(mixed);
        assertEquals(3, s.usage().input());
        assertTrue(new ParssonReference().json(utf8(mixed)), "the old check agreed");
        // a closing bracket of the wrong kind deep down
        int k = mixed.lastIndexOf('}', mixed.length() - 2);
        String wrong = mixed.substring(0, k) + "]" + mixed.substring(k + 1);
        assertFalse(new UsageScanner().json(utf8(wrong)));
    }

    @Test
    void aFiveMegabyteStringIsPassedOver() {
        String big = "a\\\"b\\\\c é 😀 ".repeat(5 * 1024 * 1024 / 16);
        UsageScanner s = json(answer(big));
        assertEquals(new Usage(25, 7, 10, 0, 5), s.usage());
        assertEquals(MODEL, s.model());
        assertFalse(new UsageScanner().json(utf8("{\"content\":\"" + big)), "and refused when it never ends");
        UsageScanner m = json(answer("m" + "x".repeat(5 * 1024 * 1024), "t", "{\"output_tokens\":1}"));
        assertEquals(5 * 1024 * 1024 + 1, m.model().length(), "a 5 MB model is read whole");
    }

    @Test
    void aMalformedEventChangesNothing() {
        UsageScanner s = new UsageScanner();
        s.event("message_start", messageStart(MODEL, START_USAGE));
        Usage before = s.usage();
        for (String bad : new String[] {"", "{", "{\"usage\":{\"output_tokens\":9}",
            "{\"usage\":{\"output_tokens\":9}}x",
            "[{\"usage\":{\"output_tokens\":9}}]", "{\"usage\":{\"output_tokens\":09}}", "not json"}) {
            s.event("message_delta", bad);
            s.event("message_start", bad.replace("usage", "message"));
            assertEquals(before, s.usage(), bad);
            assertEquals(MODEL, s.model(), bad);
        }
    }

    // ------------------------------------------------------------------ whole SSE events

    @Test
    void aFramedEventIsReadWhereItLies() {
        String start = "event: message_start\ndata: " + messageStart(MODEL, START_USAGE) + "\n\n";
        String delta = "event: message_delta\r\ndata:" + messageDelta("{\"output_tokens\":32}") + "\r\n\r\n";
        byte[] buf = utf8("event: ping\ndata: {}\n\n" + start + delta + "event: message_stop\ndata: {\"t\":1}\n\n");
        UsageScanner s = new UsageScanner();
        int off = "event: ping\ndata: {}\n\n".length();
        s.frame("message_start", buf, off, utf8(start).length);
        s.frame("message_delta", buf, off + utf8(start).length, utf8(delta).length);
        assertEquals(new Usage(25, 32, 10, 0, 5), s.usage());
        assertEquals(MODEL, s.model());
    }

    @Test
    void dataOverSeveralLinesIsJoinedAsTheStreamSpecSays() {
        byte[] ev = utf8("event: message_delta\ndata: {\"usage\":\ndata: {\"output_tokens\":\ndata: 7}}\n"
                + ": comment\n\n");
        UsageScanner s = new UsageScanner();
        s.frame("message_delta", ev, 0, ev.length);
        assertEquals(7, s.usage().output());
        UsageScanner none = new UsageScanner();
        byte[] noData = utf8("event: message_delta\nid: 3\n\n");
        none.frame("message_delta", noData, 0, noData.length);
        assertFalse(none.seen());
        byte[] ping = utf8("event: ping\ndata: {\"usage\":{\"output_tokens\":7}}\n\n");
        none.frame("ping", ping, 0, ping.length);
        assertFalse(none.seen());
    }

    @Test
    void framedAndStringEventsAgree() {
        String[] datas = {messageStart(MODEL, START_USAGE), messageStart("m\\u00e9", "{\"input_tokens\":1e3}"),
            messageDelta("{\"output_tokens\":4}"), "{\"usage\":{\"output_tokens\":5}", "{}", "[]",
            "{\"message\":{\"model\":\"x\",\"usage\":{\"cache_creation\":{\"ephemeral_1h_input_tokens\":2}}}}"};
        for (String name : new String[] {"message_start", "message_delta"}) {
            UsageScanner byString = new UsageScanner();
            UsageScanner byFrame = new UsageScanner();
            for (String d : datas) {
                byString.event(name, d);
                byte[] ev = utf8("event: " + name + "\ndata: " + d + "\n\n");
                byFrame.frame(name, ev, 0, ev.length);
                assertEquals(byString.usage(), byFrame.usage(), d);
                assertEquals(byString.model(), byFrame.model(), d);
            }
        }
    }
}
