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
        if (decimal(v)) {
            // delay-seconds; a fraction is tolerated (some gateways send one), nothing else numeric
            // (NaN, Infinity, 5d, 0x1p3 would otherwise parse as a double)
            double seconds = Double.parseDouble(v);
            return seconds > Long.MAX_VALUE / 1000.0 ? Long.MAX_VALUE : (long) (seconds * 1000);
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Math.max(0, at.toEpochMilli() - now.toEpochMilli());
        } catch (RuntimeException ex) {
            return -1;
        }
    }

    /** Digits with at most one dot between digits: 120, 1.5. */
    private static boolean decimal(String v) {
        int dot = -1;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '.' && dot < 0 && i > 0 && i < v.length() - 1) {
                dot = i;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return !v.isEmpty();
    }
}
