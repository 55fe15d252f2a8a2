package dev.codeproxy.store.log;

import dev.codeproxy.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kill -9 in the middle of writing and pruning: the database opens, is intact, and aggregates still equal the rows. */
class KillTest {
    @TempDir
    Path dir;

    @Test
    void killDashNineNeverCorruptsTheDatabase() throws Exception {
        for (int round = 1; round <= 2; round++) {
            Process p = start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                assertEquals("writing", line, "the child started writing");
                Thread.sleep(300L * round);
                p.destroyForcibly(); // SIGKILL
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            }
            try (Database db = Database.open(dir); Connection c = db.connection(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                    rs.next();
                    assertEquals("ok", rs.getString(1), "round " + round);
                }
                long rows = scalar(st, "SELECT count(*) FROM requests");
                assertTrue(rows > 0);
                // every committed request is in the aggregates exactly once (pruned ones too, so >=)
                long aggregated = scalar(st, "SELECT sum(requests) FROM stats_daily");
                assertEquals(aggregated, scalar(st, "SELECT sum(requests) FROM stats_hourly"));
                assertTrue(aggregated >= rows);
                assertEquals(scalar(st, "SELECT max(id) FROM requests") - scalar(st, "SELECT min(id) FROM requests") + 1, rows,
                        "no holes: rows are committed whole batches at a time and pruned from the oldest");
                System.out.printf("round %d: %d rows (ids %d..%d), %d requests aggregated, %d details%n", round, rows,
                        scalar(st, "SELECT min(id) FROM requests"), scalar(st, "SELECT max(id) FROM requests"), aggregated,
                        scalar(st, "SELECT count(*) FROM request_bodies"));
                if (scalar(st, "SELECT min(id) FROM requests") == 1) {
                    assertEquals(aggregated, rows, "nothing pruned yet: aggregates equal the rows");
                }
            }
        }
    }

    private Process start() throws Exception {
        List<String> cp = new ArrayList<>();
        for (String prop : new String[] {"jdk.module.path", "java.class.path"}) {
            String v = System.getProperty(prop);
            if (v != null && !v.isBlank()) {
                cp.add(v);
            }
        }
        // the test classes themselves (patched into the module when tests run on the module path)
        cp.add(Path.of(CrashWriter.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                String.join(File.pathSeparator, cp), CrashWriter.class.getName(), dir.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    private static long scalar(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
