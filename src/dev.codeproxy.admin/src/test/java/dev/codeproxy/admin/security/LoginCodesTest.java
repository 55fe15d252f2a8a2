package dev.codeproxy.admin.security;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginCodesTest {
    private final MutableClock clock = new MutableClock();
    private final LoginCodes codes = new LoginCodes(clock);

    @Test
    void aCodeWorksOnce() {
        String c = codes.issue();
        assertTrue(codes.redeem(c));
        assertFalse(codes.redeem(c), "single use");
    }

    @Test
    void aCodeExpiresAfterTwoMinutesAndIsConsumedByTheLateTry() {
        String c = codes.issue();
        clock.advance(LoginCodes.TTL_MS);
        assertFalse(codes.redeem(c));
        String d = codes.issue();
        clock.advance(LoginCodes.TTL_MS - 1);
        assertTrue(codes.redeem(d));
    }

    @Test
    void codesAre128RandomBitsAndUnknownOnesFail() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            String c = codes.issue();
            assertTrue(c.matches("[0-9a-f]{32}"), c);
            assertTrue(seen.add(c));
        }
        assertFalse(codes.redeem("0".repeat(32)));
        assertFalse(codes.redeem(""));
        assertFalse(codes.redeem(null));
    }

    @Test
    void atMost64WaitAndTheOldestGoesFirst() {
        String first = codes.issue();
        clock.advance(1);
        for (int i = 0; i < LoginCodes.MAX_OPEN; i++) {
            codes.issue();
            clock.advance(1);
        }
        assertFalse(codes.redeem(first), "the oldest open code was dropped");
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private long now = 1_800_000_000_000L;

        void advance(long ms) {
            now += ms;
        }

        @Override
        public long millis() {
            return now;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
