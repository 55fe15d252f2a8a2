package dev.codeproxy.app;

import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.usage.Usage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Headless mode's one line per request, as text and as JSON. */
class RequestLinesTest {
    private static RequestRecord record() {
        return new RequestRecord(1, 1_764_158_401_234L, "POST", "/v1/messages", "beta=true", "claude-sonnet-5",
                "glm-4.6", true, 200, "gateway", 2, true, 120, 412, 1812, new Usage(25, 120, 10, 0, 5), null,
                List.of(), Map.of(), Map.of(), Map.of(), null, false, null, false, null, null, null, null);
    }

    private static String lines(RequestLines.Format f, Long cost) throws Exception {
        return lines(f, cost, record());
    }

    private static String lines(RequestLines.Format f, Long cost, RequestRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RequestLines lines = new RequestLines(new PrintStream(out, true, StandardCharsets.UTF_8), f, r -> cost);
        lines.onEvent(new ProxyEvent.RequestCompleted(record));
        long end = System.nanoTime() + 5_000_000_000L;
        while (out.size() == 0 && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textLineHasThePathAndTheModelAskedForAndSent() throws Exception {
        assertEquals("2025-11-26T12:00:01.234Z POST /v1/messages gateway claude-sonnet-5->glm-4.6 200 ttft=412ms 1812ms "
                + "tokens in=25 out=120 cw=10 cr=5 cost=$0.0021 attempts=2" + System.lineSeparator(),
                lines(RequestLines.Format.TEXT, 2_100L));
    }

    @Test
    void aRequestWithoutTokensHasNoCostAndAnUnmappedModelIsShownOnce() throws Exception {
        RequestRecord models = new RequestRecord(2, 1_764_158_401_234L, "GET", "/v1/models", null, null, null, false, 200,
                "anthropic", 1, false, 5, -1, 7, null, null, List.of(), Map.of(), Map.of(), Map.of(), null, false, null,
                false, null, null, null, null);
        assertEquals("2025-11-26T12:00:01.234Z GET /v1/models anthropic - 200 ttft=- 7ms tokens in=0 out=0 cw=0 cr=0 "
                + "cost=-" + System.lineSeparator(), lines(RequestLines.Format.TEXT, 0L, models));
        RequestRecord refused = new RequestRecord(3, 1_764_158_401_234L, "POST", "/v1/messages", null, "claude-haiku-4-5",
                "claude-haiku-4-5", false, 503, null, 0, false, -1, -1, 2, Usage.NONE, "no endpoint", List.of(), Map.of(),
                Map.of(), Map.of(), null, false, null, false, null, null, null, null);
        assertEquals("2025-11-26T12:00:01.234Z POST /v1/messages - claude-haiku-4-5 503 ttft=- 2ms tokens in=0 out=0 cw=0 "
                + "cr=0 cost=- error=\"no endpoint\"" + System.lineSeparator(), lines(RequestLines.Format.TEXT, 0L, refused));
    }

    @Test
    void jsonLine() throws Exception {
        String line = lines(RequestLines.Format.JSON, null);
        assertTrue(line.startsWith("{\"time\":\"2025-11-26T12:00:01.234Z\",\"method\":\"POST\",\"path\":\"/v1/messages\","
                + "\"endpoint\":\"gateway\",\"model\":\"claude-sonnet-5\",\"sentModel\":\"glm-4.6\",\"status\":200"), line);
        assertTrue(line.contains("\"ttftMs\":412,\"durationMs\":1812,\"inputTokens\":25,\"outputTokens\":120"), line);
        assertTrue(line.contains("\"costUsd\":null"), line);
        assertEquals(1, line.lines().count());
    }

    @Test
    void costsAreWrittenAsStringFormatWroteThemRoundedHalfUp() {
        java.util.Random random = new java.util.Random(11);
        List<Long> amounts = new java.util.ArrayList<>(List.of(0L, 1L, 49L, 50L, 51L, 99L, 149L, 150L, 999_949L,
                999_950L, 1_000_000L, 12_345_678L, 9_999_999_950L));
        for (int i = 0; i < 20_000; i++) {
            amounts.add((long) random.nextInt(50_000_000));
        }
        for (long micros : amounts) {
            assertEquals(String.format(java.util.Locale.ROOT, "%.4f", micros / 1e6),
                    RequestLines.dollars(micros, 4), "micros " + micros);
            assertEquals(String.format(java.util.Locale.ROOT, "%.6f", micros / 1e6),
                    RequestLines.dollars(micros, 6), "micros " + micros);
        }
    }
}
