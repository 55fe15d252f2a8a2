package dev.codeproxy.store.stats;

import java.util.Arrays;

/**
 * A fixed-bucket latency histogram in milliseconds. Bucket {@code i} counts values {@code v}
 * with {@code BOUNDS[i-1] < v <= BOUNDS[i]} (the first from 0, the last to +inf). Stored as its
 * counts separated by commas with trailing zeros left out ({@code ""} is empty), so merging
 * hours or endpoints is adding counts. Mutable; not thread-safe.
 */
public final class Histogram {
    /** Upper bounds in ms; a last, unbounded bucket follows. Never change: stored data depends on it. */
    public static final long[] BOUNDS = {50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 15000,
            20000, 30000, 60000, 120000};
    public static final int BUCKETS = BOUNDS.length + 1;

    private final long[] counts = new long[BUCKETS];

    public Histogram() {
    }

    public static int bucketOf(long ms) {
        int i = Arrays.binarySearch(BOUNDS, ms);
        return i >= 0 ? i : -i - 1;
    }

    public void add(long ms) {
        counts[bucketOf(Math.max(0, ms))]++;
    }

    public void add(Histogram o) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += o.counts[i];
        }
    }

    /** Adds counts in the stored form; unknown or malformed parts are ignored. */
    public void addEncoded(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        int i = 0;
        int start = 0;
        for (int p = 0; p <= encoded.length() && i < BUCKETS; p++) {
            if (p == encoded.length() || encoded.charAt(p) == ',') {
                if (p > start) {
                    try {
                        counts[i] += Long.parseLong(encoded, start, p, 10);
                    } catch (NumberFormatException e) {
                        // a damaged cell loses only itself
                    }
                }
                i++;
                start = p + 1;
            }
        }
    }

    public static Histogram decode(String encoded) {
        Histogram h = new Histogram();
        h.addEncoded(encoded);
        return h;
    }

    public String encode() {
        int last = BUCKETS - 1;
        while (last >= 0 && counts[last] == 0) {
            last--;
        }
        StringBuilder sb = new StringBuilder(2 * (last + 1));
        for (int i = 0; i <= last; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(counts[i]);
        }
        return sb.toString();
    }

    public long count() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    public long count(int bucket) {
        return counts[bucket];
    }

    public boolean isEmpty() {
        return count() == 0;
    }

    /**
     * The {@code q}-quantile (0 &lt; q &lt;= 1), -1 when empty. The value of rank
     * {@code ceil(q * n)} is placed linearly inside its bucket: {@code lo + (hi - lo) * (rank -
     * below) / inBucket}, rounded to the nearest ms, where the last bucket ends at {@code max}
     * (the largest value seen) and no result exceeds {@code max}.
     */
    public long quantile(double q, long max) {
        long n = count();
        if (n == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long below = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long c = counts[i];
            if (c > 0 && below + c >= rank) {
                long lo = i == 0 ? 0 : BOUNDS[i - 1];
                long hi = i < BOUNDS.length ? BOUNDS[i] : Math.max(lo, max);
                long v = Math.round(lo + (double) (hi - lo) * (rank - below) / c);
                return max > 0 ? Math.min(v, max) : v;
            }
            below += c;
        }
        return max;
    }

    @Override
    public String toString() {
        return "Histogram[" + encode() + "]";
    }
}
