package dev.codeproxy.store.log;

import dev.codeproxy.core.event.RequestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** logMaxBytes: the oldest requests go while the log is too big, free pages go back in steps, the writer keeps going. */
class RetentionBySizeTest {
    static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    static String noise(SplittableRandom r, int bytes) {
        StringBuilder sb = new StringBuilder(bytes);
        while (sb.length() < bytes) {
            sb.append(Long.toHexString(r.nextLong()));
        }
        return sb.toString();
    }

    @Test
    void theOldestRequestsArePrunedWhileTheLogIsOverLogMaxBytesAndTheSpaceGoesBack() {
        try (TestStore s = new TestStore(dir)) {
            s.set(Map.of("bodyRetention", "1000000"));
            SplittableRandom r = new SplittableRandom(7);
            for (int i = 1; i <= 3000; i++) {
                s.log.offer(Rec.of(i).bodies("{\"messages\":[\"" + noise(r, 3000) + "\"]}", noise(r, 1000)).build());
            }
            s.log.flush();
            long before = s.scalar("PRAGMA page_count") * s.scalar("PRAGMA page_size");
            assertTrue(before > 5 * MIB, "about 7 MiB written: " + before);
            assertEquals(3000, s.scalar("SELECT count(*) FROM requests"));

            s.set(Map.of("logMaxBytes", String.valueOf(2 * MIB)));
            s.log.flush();
            long used = (s.scalar("PRAGMA page_count") - s.scalar("PRAGMA freelist_count")) * s.scalar("PRAGMA page_size");
            assertTrue(used <= 2 * MIB, "used " + used);
            long kept = s.scalar("SELECT count(*) FROM requests");
            assertTrue(kept > 0 && kept < 3000, kept + " kept");
            assertEquals(3000, s.scalar("SELECT max(id) FROM requests"), "the newest stay");
            assertEquals(3001 - kept, s.scalar("SELECT min(id) FROM requests"), "oldest first");
            assertEquals(0, s.scalar("SELECT count(*) FROM request_parts WHERE refs <= 0"));
            assertEquals(3000, s.scalar("SELECT sum(requests) FROM stats_daily"), "aggregates untouched");
            long after = s.scalar("PRAGMA page_count") * s.scalar("PRAGMA page_size");
            assertTrue(after <= 2 * MIB + (LogWriter.RECLAIM_ABOVE_PAGES + 64) * 4096L,
                    "the file gave space back: " + before + " -> " + after);
        }
    }

    @Test
    void theWriterKeepsWritingWhile100kRowsArePruned() {
        try (TestStore s = new TestStore(dir)) {
            s.set(Map.of("logRetention", "10000000", "captureMode", "none"));
            Mix mix = new Mix();
            List<RequestRecord> old = mix.records(100_000, 1, TestStore.NOW.toEpochMilli(), Duration.ofDays(2).toMillis(), 11);
            for (RequestRecord rec : old) {
                assertTrue(s.log.offer(rec));
            }
            s.log.flush();
            assertEquals(100_000, s.scalar("SELECT count(*) FROM requests"));

            s.set(Map.of("logRetention", "100"));
            // one request at a time while the prune runs: each is committed between two prune chunks,
            // never after the whole prune
            int during = 0;
            long id = 200_000;
            long oldLeft = Long.MAX_VALUE;
            while (oldLeft > 100 && id < 200_000 + 5_000) {
                long target = s.log.written() + 1;
                assertTrue(s.log.offer(Rec.of(++id).build()));
                while (s.log.written() < target) {
                    Thread.onSpinWait();
                }
                oldLeft = s.scalar("SELECT count(*) FROM requests WHERE id <= 100000");
                if (oldLeft > 100) {
                    during++;
                }
            }
            s.log.flush();
            assertEquals(100, s.scalar("SELECT count(*) FROM requests"));
            assertEquals(Math.min(100, id - 200_000), s.scalar("SELECT count(*) FROM requests WHERE id > 200000"),
                    "every new row was written and the newest are kept");
            // 100,000 rows go in chunks of 500: the writer committed new rows between the chunks
            assertTrue(during >= 20, "rows written while the prune ran: " + during);
            System.out.println("rows written while 100,000 were pruned: " + during);
            assertEquals(0, s.log.dropped());
        }
    }
}
