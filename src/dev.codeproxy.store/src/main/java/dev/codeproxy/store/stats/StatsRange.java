package dev.codeproxy.store.stats;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;

/**
 * The summary ranges of the dashboard: calendar days in the stats zone, today included;
 * {@link #MONTH} is the calendar month so far, {@link #LAST_24_HOURS} the 24 UTC hours up to and
 * including the current one (a rolling window, answered from the hourly aggregates).
 */
public enum StatsRange {
    TODAY(1), LAST_7_DAYS(7), LAST_30_DAYS(30), ALL(0), MONTH(-1), LAST_24_HOURS(-2);

    private static final long HOUR_MS = 3_600_000L;

    private final int days;

    StatsRange(int days) {
        this.days = days;
    }

    /**
     * The first day of the range, empty for {@link #ALL}; for {@link #LAST_24_HOURS} yesterday
     * (the first day its hours touch).
     */
    public Optional<LocalDate> firstDay(LocalDate today) {
        return switch (this) {
            case ALL -> Optional.empty();
            case MONTH -> Optional.of(today.withDayOfMonth(1));
            case LAST_24_HOURS -> Optional.of(today.minusDays(1));
            default -> Optional.of(today.minusDays(days - 1L));
        };
    }

    /**
     * The first moment of the range (local midnight of its first day), {@link Instant#EPOCH} for
     * {@link #ALL}, the start of the UTC hour 23 hours before the current one for {@link #LAST_24_HOURS}.
     */
    public Instant start(Clock clock) {
        if (this == LAST_24_HOURS) {
            return Instant.ofEpochMilli(Math.floorDiv(clock.millis(), HOUR_MS) * HOUR_MS - 23 * HOUR_MS);
        }
        return firstDay(LocalDate.now(clock)).map(d -> d.atStartOfDay(clock.getZone()).toInstant()).orElse(Instant.EPOCH);
    }

    /** True for the ranges answered by hour (the rolling 24 hours). */
    public boolean hourly() {
        return this == LAST_24_HOURS;
    }

    /** {@code today}, {@code 7d}, {@code 30d}, {@code all}, {@code month}, {@code 24h}. */
    public String wire() {
        return switch (this) {
            case TODAY -> "today";
            case LAST_7_DAYS -> "7d";
            case LAST_30_DAYS -> "30d";
            case ALL -> "all";
            case MONTH -> "month";
            case LAST_24_HOURS -> "24h";
        };
    }

    public static Optional<StatsRange> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String t = s.strip().toLowerCase(Locale.ROOT);
        for (StatsRange r : values()) {
            if (r.wire().equals(t)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
