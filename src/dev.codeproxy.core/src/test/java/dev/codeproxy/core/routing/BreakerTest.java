package dev.codeproxy.core.routing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BreakerTest {
    private static final Duration BASE = Duration.ofSeconds(30);
    private final MutableClock clock = new MutableClock();
    private final List<String> changes = new ArrayList<>();
    private final Breaker b = new Breaker(clock, (s, t) -> changes.add(s.wire()));

    private void fail() {
        assertTrue(b.tryAcquire());
        b.onFailure(3, BASE);
    }

    @Test
    void opensAfterThresholdConsecutiveFailures() {
        fail();
        fail();
        assertEquals(Breaker.State.CLOSED, b.state());
        fail();
        assertEquals(Breaker.State.OPEN, b.state());
        assertEquals(clock.instant().plus(BASE), b.until());
        assertFalse(b.tryAcquire());
        assertEquals(List.of("open"), changes);
    }

    @Test
    void aSuccessResetsTheCount() {
        fail();
        fail();
        assertTrue(b.tryAcquire());
        b.onSuccess();
        fail();
        fail();
        assertEquals(Breaker.State.CLOSED, b.state());
    }

    @Test
    void halfOpenLetsExactlyOneProbeThroughAndSuccessCloses() {
        fail();
        fail();
        fail();
        clock.advance(BASE);
        assertTrue(b.tryAcquire(), "the first request after the cooldown probes");
        assertEquals(Breaker.State.HALF_OPEN, b.state());
        assertFalse(b.tryAcquire(), "only one probe at a time");
        b.onSuccess();
        assertEquals(Breaker.State.CLOSED, b.state());
        assertTrue(b.tryAcquire());
        assertEquals(List.of("open", "half_open", "closed"), changes);
    }

    @Test
    void failedProbeReopensWithDoubledCooldownUpToTenMinutes() {
        fail();
        fail();
        fail();
        Duration expected = BASE;
        for (int i = 0; i < 8; i++) {
            clock.advance(expected);
            assertTrue(b.tryAcquire());
            b.onFailure(3, BASE);
            expected = expected.multipliedBy(2).compareTo(Breaker.MAX_COOLDOWN) > 0 ? Breaker.MAX_COOLDOWN
                    : expected.multipliedBy(2);
            assertEquals(Breaker.State.OPEN, b.state());
            assertEquals(clock.instant().plus(expected), b.until(), "re-open " + i);
        }
        assertEquals(Breaker.MAX_COOLDOWN, Duration.between(clock.instant(), b.until()));
        // a successful probe resets the backoff: the next open is the base cooldown again
        clock.advance(Breaker.MAX_COOLDOWN);
        assertTrue(b.tryAcquire());
        b.onSuccess();
        fail();
        fail();
        fail();
        assertEquals(clock.instant().plus(BASE), b.until());
    }

    @Test
    void rateLimitIsACooldownNotAFailure() {
        assertTrue(b.tryAcquire());
        b.onRateLimited(Duration.ofSeconds(4));
        assertEquals(Breaker.State.COOLDOWN, b.state());
        assertFalse(b.tryAcquire());
        clock.advance(Duration.ofSeconds(4));
        assertTrue(b.tryAcquire());
        b.onSuccess();
        assertEquals(Breaker.State.CLOSED, b.state());
    }

    @Test
    void authFailureIsVisibleAndLong() {
        assertTrue(b.tryAcquire());
        b.onAuthFailed();
        assertEquals(Breaker.State.AUTH_FAILED, b.state());
        clock.advance(Duration.ofMinutes(9));
        assertFalse(b.tryAcquire());
        clock.advance(Duration.ofMinutes(1));
        assertTrue(b.tryAcquire());
    }

    @Test
    void resetCloses() {
        fail();
        fail();
        fail();
        b.reset();
        assertEquals(Breaker.State.CLOSED, b.state());
        assertTrue(b.tryAcquire());
    }
}
