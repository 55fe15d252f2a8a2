package dev.codeproxy.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plain-JDBC read path the statistics, usage and log pages use, on a real SQLite file. */
class QueryTest {
    @TempDir
    Path dir;

    @Test
    void rowsKeepTheirValuesByLabelWhateverTheCase() {
        try (Database db = Database.open(dir)) {
            Query q = new Query(db);
            List<Query.Row> rows;
            try (Stream<Query.Row> s = q.query("SELECT ? AS n, ? AS Name, NULL AS missing, x'00ff' AS b "
                    + "UNION ALL SELECT 5000000000, 'two', NULL, NULL", 1, "one")) {
                rows = s.toList(); // rows outlive the stream: each holds its own values
            }
            assertEquals(2, rows.size());
            assertEquals(1, Rows.lng(rows.get(0), "n"));
            assertEquals("one", Rows.str(rows.get(0), "name"), "labels match whatever their case");
            assertEquals("one", Rows.str(rows.get(0), "Name"));
            assertNull(Rows.str(rows.get(0), "missing"));
            assertEquals("", Rows.text(rows.get(0), "missing"));
            assertEquals(0, Rows.lng(rows.get(0), "missing"));
            assertArrayEquals(new byte[] {0, (byte) 0xff}, Rows.bytes(rows.get(0), "b"));
            assertEquals(5_000_000_000L, Rows.lng(rows.get(1), "n"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rows.get(0).get("nope"));
            assertTrue(e.getMessage().contains("no column nope"), e.getMessage());
            assertTrue(q.get("SELECT 1 AS one WHERE 0").isEmpty());
            assertEquals(7, Rows.lng(q.get("SELECT 7 AS seven").orElseThrow(), "seven"));
        }
    }

    @Test
    void everyQueryGivesItsConnectionBackAndABadOneSaysWhichItWas() {
        try (Database db = Database.open(dir)) {
            Query q = new Query(db);
            // the pool holds a few connections: a stream that kept one would block this loop
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (int i = 0; i < 200; i++) {
                    try (Stream<Query.Row> s = q.query("SELECT value FROM store_meta")) {
                        s.findFirst();
                    }
                    assertThrows(IllegalStateException.class, () -> q.query("SELECT nonsense FROM nowhere"));
                }
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> q.get("SELECT nonsense FROM nowhere"));
            assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
        }
    }
}
