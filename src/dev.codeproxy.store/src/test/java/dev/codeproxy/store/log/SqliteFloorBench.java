package dev.codeproxy.store.log;

import dev.codeproxy.store.Database;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The least a logged request can cost SQLite: each group of rows is inserted into the log's three
 * per-request tables ({@code requests} with its indexes, {@code request_attempts},
 * {@code request_bodies}) by three set-based statements in one transaction, on the log's real
 * schema and pragmas. No aggregates, parts, redaction, compression, JDBC per row or collector:
 * SQLite's own work per row, which any writer of this schema pays. Not a test: run its main
 * ({@code rows}), or {@link RequestLogBench}, which runs it last; scripts/bench reports the row
 * (against the CPU per request the proxy's "log off" run leaves for the log under issue 11's
 * 15 % bound).
 */
public final class SqliteFloorBench {
    private static final long BASE_ID = 1_800_000_000_000L;

    private SqliteFloorBench() {
    }

    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 35_000);
    }

    /** Prints the CPU per row for groups of 50 (a busy proxy's 15 ms group) and of 200 (the largest group). */
    static void run(int rows) throws IOException, SQLException {
        int[] groups = {50, 200};
        double[] perRow = new double[groups.length];
        for (int round = 0; round < 2; round++) { // the first round warms the JIT and the file system
            for (int g = 0; g < groups.length; g++) {
                perRow[g] = perRow(rows, groups[g]);
            }
        }
        System.out.printf("  sqlite floor: %,d rows in groups of %d / %d: %.1f / %.1f us of CPU per row%n",
                rows, groups[0], groups[1], perRow[0], perRow[1]);
    }

    private static double perRow(int rows, int group) throws IOException, SQLException {
        Path dir = Files.createTempDirectory("sqlite-floor-bench");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Database db = Database.open(dir); Connection c = db.connection(); Statement st = c.createStatement()) {
            // the writer's own setting: fewer, larger checkpoints
            st.execute("PRAGMA wal_autocheckpoint = " + LogWriter.WAL_AUTOCHECKPOINT_PAGES);
            c.setAutoCommit(false);
            long cpu0 = threads.getCurrentThreadCpuTime();
            for (int first = 0; first < rows; first += group) {
                int last = Math.min(rows, first + group) - 1;
                String ids = "WITH RECURSIVE c(i) AS (SELECT " + first + " UNION ALL SELECT i + 1 FROM c WHERE i < " + last + ") ";
                st.executeUpdate(ids + """
                        INSERT INTO requests (id, started_at, method, path, query, model, sent_model, stream, status,
                            endpoint, attempts, failed_over, outcome, headers_ms, first_token_ms, total_ms, input_tokens,
                            output_tokens, cache_read_tokens, cost_micros, priced, route, session_id, project, instance)
                        SELECT %d + i, %d + i * 3, 'POST', '/v1/messages', 'beta=true', 'claude-sonnet-4-5',
                            'claude-sonnet-4-5', 0, 200, 'bench-upstream', 1, 0, 'ok', 1, -1, 2, 12000, 300, 40000,
                            51234, 1, 'default', 'session-' || (i / 200), 'project', '' FROM c""".formatted(BASE_ID, BASE_ID));
                st.executeUpdate(ids + """
                        INSERT INTO request_attempts (request_id, attempt, endpoint, sent_model, outcome, status,
                            started_ms, headers_ms, duration_ms)
                        SELECT %d + i, 1, 'bench-upstream', 'claude-sonnet-4-5', 'ok', 200, 0, 1, 2 FROM c""".formatted(BASE_ID));
                // sizes of what the preparer stores for the benchmark's 50 KB request: headers as JSON,
                // the bodies' remaining compressed bytes and the request's part layout
                st.executeUpdate(ids + """
                        INSERT INTO request_bodies (request_id, request_headers, sent_headers, response_headers,
                            request_body, request_body_size, response_body, response_body_size, request_layout, session_key)
                        SELECT %d + i, printf('%%.400c', 'h'), printf('%%.400c', 's'), printf('%%.300c', 'r'),
                            randomblob(200), 50000, randomblob(600), 1100, randomblob(120), 'session-' || (i / 200)
                        FROM c""".formatted(BASE_ID));
                c.commit();
            }
            return (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / rows;
        } finally {
            RequestLogBench.deleteTree(dir);
        }
    }
}
