package dev.codeproxy.store.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the writer's group window waits for, and what ends it early; and retention between
 * flushes, which deletes only once its slack is reached. The window is made a minute long here:
 * each test would take that minute if what should end the window did not.
 */
class GroupCommitTest {
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    @TempDir
    Path dir;

    @Test
    void aFlushDoesNotWaitForTheWindow() {
        try (TestStore s = new TestStore(dir)) {
            s.log.groupWaitNanos = MINUTE;
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (int i = 1; i <= 3; i++) {
                    s.log.offer(Rec.of(i).build());
                    s.log.flush();
                    assertEquals(i, s.scalar("SELECT count(*) FROM requests"));
                }
            });
        }
    }

    @Test
    void aFullGroupIsWrittenWithoutWaitingForTheWindow() {
        try (TestStore s = new TestStore(dir)) {
            s.log.groupWaitNanos = MINUTE;
            for (int i = 1; i <= RequestLog.GROUP_ROWS; i++) {
                s.log.offer(Rec.of(i).build());
            }
            awaitAtLeast(RequestLog.GROUP_ROWS, s.log::written);
            assertEquals(RequestLog.GROUP_ROWS, s.scalar("SELECT count(*) FROM requests"));
        }
    }

    @Test
    void bodiesAtHalfTheBudgetAreWrittenWithoutWaitingForTheWindowOrBeingShed() {
        try (TestStore s = new TestStore(dir);
             RequestLog log = new RequestLog(s.db, s.settings::get, s.secrets::get, s.clock, 1000, 1 << 20)) {
            log.groupWaitNanos = MINUTE;
            String body = "x".repeat(60 * 1024);
            // five requests of 120 KiB each are past half of the 1 MiB budget; the group is not full
            for (int i = 1; i <= 5; i++) {
                assertTrue(log.offer(Rec.of(i).bodies(body, body).build()));
            }
            awaitAtLeast(5, log::written);
            assertEquals(0, log.bodiesShed(), "no body was shed while the window lasted");
            assertEquals(5, s.scalar("SELECT count(*) FROM request_bodies WHERE request_body_truncated = 0"));
        }
    }

    @Test
    void retentionBetweenFlushesWaitsForItsSlackThenDeletesTheWholeExcess() {
        try (TestStore s = new TestStore(dir)) {
            int keep = 100; // the smallest logRetention accepted
            s.set(Map.of("logRetention", Integer.toString(keep), "bodyRetention", Integer.toString(keep)));
            long id = 0;
            for (int i = 0; i < keep; i++) {
                s.log.offer(Rec.of(++id).build());
            }
            s.log.flush();
            assertEquals(keep, s.scalar("SELECT count(*) FROM requests"));
            // batches one after another without a flush: each one's retention step has run by the
            // time the next one is written (the writer commits, then prunes, then takes the next)
            s.log.groupWaitNanos = 0; // commit each batch as it comes
            for (int batch = 1; batch <= 3; batch++) {
                for (int i = 0; i < 10; i++) {
                    s.log.offer(Rec.of(++id).build());
                }
                awaitAtLeast(id, s.log::written);
            }
            s.log.offer(Rec.of(++id).build());
            awaitAtLeast(id, s.log::written);
            assertEquals(id, s.scalar("SELECT count(*) FROM requests"),
                    "fewer than " + RequestLog.PRUNE_SLACK + " rows past the limit: nothing deleted between flushes");
            for (int i = 0; i < RequestLog.PRUNE_SLACK; i++) {
                s.log.offer(Rec.of(++id).build());
            }
            awaitAtLeast(id, s.log::written);
            s.log.offer(Rec.of(++id).build());
            awaitAtLeast(id, s.log::written);
            // unpruned there would be keep + 132 rows; a step past the slack deletes the whole excess
            // of its moment, so what is left over is fewer than the slack (the hundred rows may have
            // come in two batches, the second one after the step)
            assertTrue(s.scalar("SELECT count(*) FROM requests") < keep + RequestLog.PRUNE_SLACK,
                    "past the slack the whole excess goes at once: " + s.scalar("SELECT count(*) FROM requests"));
            s.log.flush();
            assertEquals(keep, s.scalar("SELECT count(*) FROM requests"));
            assertEquals(id - keep + 1, s.scalar("SELECT min(id) FROM requests"));
            assertEquals(keep, s.scalar("SELECT count(*) FROM request_bodies"));
        }
    }

    private static void awaitAtLeast(long want, LongSupplier now) {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            while (now.getAsLong() < want) {
                Thread.sleep(5);
            }
        }, () -> "waited for " + want + ", have " + now.getAsLong());
    }
}
