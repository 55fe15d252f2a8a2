package dev.codeproxy.store.stats;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;

/** The summary ranges of the dashboard: calendar days in the stats zone, today included. */
public enum StatsRange {
    TODAY(1), LAST_7_DAYS(7), LAST_30_DAYS(30), ALL(0);

    private final int days;

    StatsRange(int days) {
        this.days = days;
    }

    /** The first day of the range, empty for {@link #ALL}. */
    public Optional<LocalDate> firstDay(LocalDate today) {
        return days == 0 ? Optional.empty() : Optional.of(today.minusDays(days - 1L));
    }

    /** The first moment of the range (local midnight of its first day), {@link Instant#EPOCH} for {@link #ALL}. */
    public Instant start(Clock clock) {
        return firstDay(LocalDate.now(clock)).map(d -> d.atStartOfDay(clock.getZone()).toInstant()).orElse(Instant.EPOCH);
    }

    /** {@code today}, {@code 7d}, {@code 30d}, {@code all}. */
    public String wire() {
        return switch (this) {
            case TODAY -> "today";
            case LAST_7_DAYS -> "7d";
            case LAST_30_DAYS -> "30d";
            case ALL -> "all";
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
