package dev.codeproxy.store.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistogramTest {
    @Test
    void bucketsAreUpperBoundInclusive() {
        assertEquals(0, Histogram.bucketOf(0));
        assertEquals(0, Histogram.bucketOf(50));
        assertEquals(1, Histogram.bucketOf(51));
        assertEquals(1, Histogram.bucketOf(100));
        assertEquals(17, Histogram.bucketOf(120_000));
        assertEquals(18, Histogram.bucketOf(120_001));
        assertEquals(18, Histogram.bucketOf(Long.MAX_VALUE));
        assertEquals(19, Histogram.BUCKETS);
    }

    @Test
    void encodesCompactlyAndMerges() {
        Histogram h = new Histogram();
        for (long v : new long[] {10, 20, 60, 120, 180, 250, 400, 900, 1200, 200_000}) {
            h.add(v);
        }
        assertEquals("2,1,2,1,1,0,1,1,0,0,0,0,0,0,0,0,0,0,1", h.encode());
        assertEquals("", new Histogram().encode());
        Histogram small = new Histogram();
        small.add(70);
        assertEquals("0,1", small.encode());
        Histogram merged = Histogram.decode("0,1");
        merged.addEncoded(h.encode());
        assertEquals("2,2,2,1,1,0,1,1,0,0,0,0,0,0,0,0,0,0,1", merged.encode());
        assertEquals(11, merged.count());
        assertEquals("1,0,0,1", Histogram.decode("1,x,,1,").encode(), "damaged cells are skipped");
    }

    @Test
    void quantilesInterpolateInsideTheirBucket() {
        Histogram h = new Histogram();
        for (long v : new long[] {10, 20, 60, 120, 180, 250, 400, 900, 1200, 200_000}) {
            h.add(v);
        }
        long max = 200_000;
        assertEquals(25, h.quantile(0.10, max)); // rank 1 of 2 in (0, 50]
        assertEquals(200, h.quantile(0.50, max)); // rank 5: 2nd of 2 in (100, 200]
        assertEquals(1500, h.quantile(0.90, max)); // rank 9: only one in (1000, 1500]
        assertEquals(200_000, h.quantile(0.95, max)); // rank 10: the open bucket ends at max
        assertEquals(200_000, h.quantile(0.99, max));
        assertEquals(-1, new Histogram().quantile(0.5, 0));
    }

    @Test
    void quantilesNeverExceedTheMaximum() {
        Histogram h = new Histogram();
        h.add(800);
        assertEquals(800, h.quantile(0.5, 800), "the bucket says up to 1000, the max says 800");
        assertTrue(h.quantile(0.99, 800) <= 800);
    }
}
