package dev.codeproxy.proxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code retry-after} as upstreams send it: delay seconds or an HTTP date; anything else counts as absent (-1). */
class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static String httpDate(Instant at) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1, 1000", "30, 30000", "'  7  ', 7000", "1.5, 1500", "0.25, 250", "86400, 86400000"})
    void delaySecondsBecomeMilliseconds(String value, long ms) {
        assertEquals(ms, RetryAfter.millis(value, NOW));
    }

    @Test
    void anHttpDateIsTheTimeLeftUntilThen() {
        assertEquals(90_000, RetryAfter.millis(httpDate(NOW.plusSeconds(90)), NOW));
        assertEquals(3_600_000, RetryAfter.millis("  " + httpDate(NOW.plus(Duration.ofHours(1))) + " ", NOW));
    }

    @Test
    void anHttpDateInThePastMeansNow() {
        assertEquals(0, RetryAfter.millis(httpDate(NOW.minusSeconds(5)), NOW));
        assertEquals(0, RetryAfter.millis(httpDate(NOW), NOW));
        assertEquals(0, RetryAfter.millis("Thu, 01 Jan 1970 00:00:00 GMT", NOW));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t"})
    void absentOrBlankIsMinusOne(String value) {
        assertEquals(-1, RetryAfter.millis(value, NOW));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-0.5", "soon", "5 seconds", "5;x", "1,5", "0x10", "\u0661\u0662", "NaN", "Infinity",
            "5d", "5f", "0x1p3", "1e3", ".5", "5.", "1.2.3", "+5",
            // a date with the wrong weekday, ISO 8601, and the obsolete RFC 850 / asctime forms
            "Mon, 04 Dec 2026 12:01:00 GMT", "2026-12-04T12:01:00Z", "Friday, 04-Dec-26 12:01:00 GMT",
            "Fri Dec  4 12:01:00 2026", "Fri, 04 Dec 2026 25:61:00 GMT", "Fri, 04 Dec 2026 12:01:00 GMT\r\nx: y"})
    void garbageIsMinusOneNotAnError(String value) {
        assertEquals(-1, RetryAfter.millis(value, NOW), value);
    }

    @Test
    void hugeValuesStayPositiveAndNeverWrapAround() {
        // RetryDecision caps the wait at retryCapMs; what it gets here must never turn negative (no retry-after)
        // or small (an immediate retry) by overflow
        long big = RetryAfter.millis("99999999999999999999", NOW);
        assertTrue(big >= 99_999_999_999_999_999L / 1000, "got " + big);
        long huger = RetryAfter.millis("1" + "0".repeat(400), NOW);
        assertEquals(Long.MAX_VALUE, huger);
        long digits = RetryAfter.millis("9".repeat(100_000), NOW);
        assertEquals(Long.MAX_VALUE, digits, "a 100,000-digit value is read without failing");
        Instant far = NOW.plus(Duration.ofDays(365 * 7000L));
        assertEquals(Duration.between(NOW, far).toMillis(), RetryAfter.millis(httpDate(far), NOW),
                "a date millennia ahead is a long wait, not an overflow");
    }
}
