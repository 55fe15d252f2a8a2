package dev.codeproxy.proxy;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Parses {@code retry-after}: delay seconds or an HTTP date. */
final class RetryAfter {
    private RetryAfter() {
    }

    /** Milliseconds to wait, or -1 when absent or unreadable. */
    static long millis(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.strip();
        try {
            double seconds = Double.parseDouble(v);
            return seconds < 0 ? -1 : (long) (seconds * 1000);
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0, at.toEpochMilli() - now.toEpochMilli());
            } catch (RuntimeException ex) {
                return -1;
            }
        }
    }
}
