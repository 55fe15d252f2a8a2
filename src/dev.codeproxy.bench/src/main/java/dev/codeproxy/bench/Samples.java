package dev.codeproxy.bench;

import java.util.Arrays;
import java.util.Locale;

/** A growable list of nanosecond samples with nearest-rank percentiles. */
final class Samples {
    private long[] values = new long[1024];
    private int size;
    private boolean sorted;

    void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
        sorted = false;
    }

    long[] values() {
        return Arrays.copyOf(values, size);
    }

    int size() {
        return size;
    }

    /** Nearest-rank percentile, {@code p} in [0, 100]; NaN when empty. */
    double percentileNanos(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        sort();
        int rank = (int) Math.ceil(p / 100.0 * size);
        return values[Math.max(0, Math.min(size - 1, rank - 1))];
    }

    double ms(double p) {
        return percentileNanos(p) / 1e6;
    }

    double maxMs() {
        return percentileNanos(100) / 1e6;
    }

    /** A one-line summary for the log: n, p50, p90, p99, p99.9, max in ms. */
    String summary() {
        return String.format(Locale.ROOT, "n=%d p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f max=%.3f ms (>1 ms: %d)",
                size, ms(50), ms(90), ms(99), ms(99.9), maxMs(), countAbove(1_000_000L));
    }

    /** The values above {@code nanos}, in ms, ascending (at most 20). */
    String above(long nanos) {
        sort();
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < size && shown < 20; i++) {
            if (values[i] > nanos) {
                sb.append(shown++ == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", values[i] / 1e6));
            }
        }
        return sb.toString();
    }

    /** How many samples are above {@code nanos}. */
    int countAbove(long nanos) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (values[i] > nanos) {
                n++;
            }
        }
        return n;
    }

    private void sort() {
        if (!sorted) {
            Arrays.sort(values, 0, size);
            sorted = true;
        }
    }
}
