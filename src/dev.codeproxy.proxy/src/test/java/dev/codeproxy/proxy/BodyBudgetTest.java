package dev.codeproxy.proxy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ceiling on request bodies held at once, summed over the requests in flight. */
class BodyBudgetTest {

    @Test
    void reservationsUpToTheLimitAreAdmittedAndTheNextIsRefused() {
        BodyBudget b = new BodyBudget(100);
        assertTrue(b.tryReserve(60));
        assertTrue(b.tryReserve(40));
        assertEquals(100, b.held());
        assertFalse(b.tryReserve(1), "the 101st byte is over the ceiling");
        assertEquals(100, b.held(), "a refused reservation holds nothing");
    }

    @Test
    void aReleaseMakesRoomAgain() {
        BodyBudget b = new BodyBudget(100);
        assertTrue(b.tryReserve(70));
        assertFalse(b.tryReserve(70));
        b.release(70);
        assertEquals(0, b.held());
        assertTrue(b.tryReserve(70));
    }

    @Test
    void oneRequestAloneIsAdmittedWhateverItsSize() {
        BodyBudget b = new BodyBudget(100);
        assertTrue(b.tryReserve(10_000), "nothing else is held: a single large body (up to maxRequestBytes) works");
        assertEquals(10_000, b.held());
        assertFalse(b.tryReserve(1), "but nothing joins it");
        b.release(10_000);
        assertTrue(b.tryReserve(1));
    }

    @Test
    void bodiesWithoutALengthReserveNothingUntilRead() {
        BodyBudget b = new BodyBudget(100);
        assertTrue(b.tryReserve(100));
        assertTrue(b.tryReserve(0), "no content-length: admitted, counted once read");
        assertTrue(b.tryReserve(-1));
        assertEquals(100, b.held());
    }

    @Test
    void adjustReplacesTheReservationByTheSizeRead() {
        BodyBudget b = new BodyBudget(1000);
        assertTrue(b.tryReserve(100));
        long now = b.adjust(100, 40);
        assertEquals(40, now);
        assertEquals(40, b.held());
        now = b.adjust(0, 500); // read without a declared length
        assertEquals(500, now);
        assertEquals(540, b.held());
        b.release(40);
        b.release(500);
        assertEquals(0, b.held());
        b.release(0);
        assertEquals(0, b.held());
    }

    @Test
    void theLimitIsAtLeastOneByte() {
        assertEquals(1, new BodyBudget(0).limit());
        assertEquals(1, new BodyBudget(-5).limit());
        BodyBudget b = new BodyBudget(0);
        assertTrue(b.tryReserve(5), "alone");
        assertFalse(b.tryReserve(1));
    }

    @Test
    void theDefaultIsAQuarterOfTheHeapAtLeast32MiBAndThePropertyOverridesIt() {
        String before = System.getProperty(BodyBudget.PROPERTY);
        try {
            System.clearProperty(BodyBudget.PROPERTY);
            long d = BodyBudget.defaultLimit();
            assertEquals(Math.max(32L << 20, Runtime.getRuntime().maxMemory() / 4), d);
            System.setProperty(BodyBudget.PROPERTY, "268435456");
            assertEquals(268_435_456L, BodyBudget.defaultLimit());
            for (String bad : new String[]{"0", "-1", "lots", "1e9", ""}) {
                System.setProperty(BodyBudget.PROPERTY, bad);
                assertEquals(d, BodyBudget.defaultLimit(), "'" + bad + "' falls back to the default");
            }
        } finally {
            if (before == null) {
                System.clearProperty(BodyBudget.PROPERTY);
            } else {
                System.setProperty(BodyBudget.PROPERTY, before);
            }
        }
    }

    @Test
    void concurrentRequestsNeverHoldMoreThanTheCeilingTogether() throws Exception {
        long limit = 1000;
        BodyBudget b = new BodyBudget(limit);
        AtomicLong worst = new AtomicLong();
        AtomicLong admitted = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int size = 50 + t * 37;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    if (b.tryReserve(size)) {
                        admitted.incrementAndGet();
                        worst.accumulateAndGet(b.held(), Math::max);
                        b.release(size);
                    }
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, b.held(), "every reservation was given back");
        assertTrue(admitted.get() > 0);
        assertTrue(worst.get() <= limit, "held at most " + worst.get() + " of " + limit);
    }
}
