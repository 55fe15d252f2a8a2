package dev.codeproxy.core.routing;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.codeproxy.core.routing.RetryDecision.BreakerEffect.AUTH_FAILED;
import static dev.codeproxy.core.routing.RetryDecision.BreakerEffect.COOLDOWN;
import static dev.codeproxy.core.routing.RetryDecision.BreakerEffect.FAILURE;
import static dev.codeproxy.core.routing.RetryDecision.BreakerEffect.NONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The failure table, row by row. */
class RetryDecisionTest {
    private static RetryDecision d(FailureClass f, int retries, long retryAfter) {
        return RetryDecision.decide(f, retries, retryAfter, 1, 5_000, new SplittableRandom(7));
    }

    @Test
    void connectFailureRetriesOnceImmediatelyThenMovesOn() {
        assertEquals(new RetryDecision(0, true, FAILURE), d(FailureClass.CONNECT, 0, -1));
        assertEquals(new RetryDecision(-1, true, FAILURE), d(FailureClass.CONNECT, 1, -1));
    }

    @Test
    void timeoutMovesOnWithoutRetry() {
        assertEquals(new RetryDecision(-1, true, FAILURE), d(FailureClass.TIMEOUT, 0, -1));
    }

    @Test
    void rateLimitRetriesOnlyWithinTheCapAndIsACooldown() {
        assertEquals(new RetryDecision(2_000, true, COOLDOWN), d(FailureClass.RATE_LIMITED, 0, 2_000));
        assertEquals(new RetryDecision(-1, true, COOLDOWN), d(FailureClass.RATE_LIMITED, 0, 30_000));
        assertEquals(new RetryDecision(-1, true, COOLDOWN), d(FailureClass.RATE_LIMITED, 0, -1));
    }

    @Test
    void serverErrorsBackOffUpToMaxRetriesHonouringRetryAfter() {
        RetryDecision first = d(FailureClass.SERVER, 0, -1);
        assertTrue(first.retrySameAfterMs() >= 250 && first.retrySameAfterMs() <= 375, first.toString());
        assertEquals(FAILURE, first.breaker());
        assertEquals(new RetryDecision(-1, true, FAILURE), d(FailureClass.SERVER, 1, -1));
        assertEquals(new RetryDecision(1_000, true, FAILURE), d(FailureClass.SERVER, 0, 1_000));
        assertEquals(new RetryDecision(-1, true, FAILURE), d(FailureClass.SERVER, 0, 9_000));
        RetryDecision third = RetryDecision.decide(FailureClass.SERVER, 2, -1, 5, 5_000, new SplittableRandom(1));
        assertTrue(third.retrySameAfterMs() >= 1_000 && third.retrySameAfterMs() <= 1_500, third.toString());
        RetryDecision capped = RetryDecision.decide(FailureClass.SERVER, 9, -1, 10, 5_000, new SplittableRandom(1));
        assertEquals(5_000, capped.retrySameAfterMs());
    }

    @Test
    void authMovesOnAndMarksTheEndpoint() {
        assertEquals(new RetryDecision(-1, true, AUTH_FAILED), d(FailureClass.AUTH, 0, -1));
    }

    @Test
    void clientErrorsGoBackToTheClient() {
        assertEquals(new RetryDecision(-1, false, NONE), d(FailureClass.CLIENT, 0, -1));
    }

    @Test
    void badStreamsAndBadJsonMoveOn() {
        assertEquals(new RetryDecision(-1, true, FAILURE), d(FailureClass.BAD_STREAM, 0, -1));
        assertEquals(new RetryDecision(-1, true, FAILURE), d(FailureClass.BAD_JSON, 0, -1));
    }

    @Test
    void statusClasses() {
        assertEquals(FailureClass.RATE_LIMITED, FailureClass.ofStatus(429));
        for (int s : new int[] {500, 502, 503, 504, 529}) {
            assertEquals(FailureClass.SERVER, FailureClass.ofStatus(s));
        }
        assertEquals(FailureClass.AUTH, FailureClass.ofStatus(401));
        assertEquals(FailureClass.AUTH, FailureClass.ofStatus(403));
        for (int s : new int[] {400, 404, 413, 422, 409}) {
            assertEquals(FailureClass.CLIENT, FailureClass.ofStatus(s));
        }
    }
}
