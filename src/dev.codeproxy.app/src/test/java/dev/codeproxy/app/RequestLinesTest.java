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
                List.of(), Map.of(), Map.of(), Map.of(), null, false, null, false);
    }

    private static String lines(RequestLines.Format f, Long cost) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RequestLines lines = new RequestLines(new PrintStream(out, true, StandardCharsets.UTF_8), f, r -> cost);
        lines.onEvent(new ProxyEvent.RequestCompleted(record()));
        long end = System.nanoTime() + 5_000_000_000L;
        while (out.size() == 0 && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textLine() throws Exception {
        assertEquals("2025-11-26T12:00:01.234Z POST gateway glm-4.6 200 ttft=412ms 1812ms tokens in=25 out=120 cw=10 "
                + "cr=5 cost=$0.0021 attempts=2" + System.lineSeparator(), lines(RequestLines.Format.TEXT, 2_100L));
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
}
