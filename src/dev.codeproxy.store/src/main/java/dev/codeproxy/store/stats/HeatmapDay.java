package dev.codeproxy.store.stats;

import java.time.LocalDate;

/** One cell of the year heatmap. {@code tokens} counts every kind (input, output, cache writes and reads). */
public record HeatmapDay(LocalDate day, long tokens, long requests, long costMicros) {
}
