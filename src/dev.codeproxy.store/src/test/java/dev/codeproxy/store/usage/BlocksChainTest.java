package dev.codeproxy.store.usage;

import dev.codeproxy.store.log.Rec;
import dev.codeproxy.store.log.TestStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Blocks follow each other from the first request on, so a report that starts in the middle of
 * a busy stretch must place its first block as the whole history would: requests at 15:00,
 * 19:00, 22:00 and (the next day) 00:00 make the blocks 15:00-20:00 and 22:00-03:00, and a report
 * from the second day shows the block that started at 22:00, not one starting at midnight.
 */
class BlocksChainTest {
    @TempDir
    Path dir;

    static long at(String s) {
        return Instant.parse(s).toEpochMilli();
    }

    @Test
    void aReportFromTheMiddleOfAChainPlacesItsBlocksAsTheWholeHistoryDoes() {
        try (TestStore s = new TestStore(dir)) {
            s.write(Rec.of(1).at(at("2026-11-24T15:10:00Z")), Rec.of(2).at(at("2026-11-24T19:10:00Z")),
                    Rec.of(3).at(at("2026-11-24T22:10:00Z")), Rec.of(4).at(at("2026-11-25T00:10:00Z")));
            UsageQueries q = new UsageQueries(s.db, s.clock);
            assertEquals(List.of(at("2026-11-24T15:00:00Z"), at("2026-11-24T22:00:00Z")),
                    q.blocks(null, null).stream().map(Block::start).toList());
            List<Block> fromDayTwo = q.blocks(LocalDate.parse("2026-11-25"), null);
            assertEquals(List.of(at("2026-11-24T22:00:00Z")), fromDayTwo.stream().map(Block::start).toList());
            assertEquals(2, fromDayTwo.getFirst().requests());
            // a quiet stretch of 5 hours restarts the chain: nothing before it matters
            assertEquals(at("2026-11-25T06:00:00Z"), q.chainStart(at("2026-11-25T06:00:00Z")));
            assertEquals(at("2026-11-24T15:00:00Z"), q.chainStart(at("2026-11-25T01:00:00Z")));
            assertEquals(0, q.chainStart(0));
        }
    }
}
