package dev.codeproxy.store.log;

import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.core.wire.RequestBody;
import dev.codeproxy.store.Database;
import dev.codeproxy.testkit.Conversation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How much the request log grows for one long Claude Code conversation: 200 turns (12 KB system,
 * 24 KB tools, history growing by about 3 KB a turn, each answered by a stream of about 2 KB),
 * default settings (capture all), written through the request log into a fresh database. Prints
 * the request bytes sent, the database's growth (pages in use after a checkpoint) and the growth
 * as a share of the request bytes. Not a test: run its main (scripts/bench does).
 */
public final class ConversationGrowthBench {
    private ConversationGrowthBench() {
    }

    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 200);
    }

    static double run(int turns) throws IOException, SQLException {
        Path dir = Files.createTempDirectory("request-log-growth");
        try (Database db = Database.open(dir)) {
            List<String> secrets = List.of("sk-ant-api03-bench-key-0123456789abcdef", "cp_bench_client_token_0123456789");
            long before;
            long sent = 0;
            try (RequestLog log = new RequestLog(db, () -> Settings.DEFAULTS, () -> secrets, Clock.systemUTC())) {
                log.flush();
                before = usedBytes(db);
                Conversation c = new Conversation(42, "claude-sonnet-4-5", "6f1c2a9e-1f0b-4c61-9a47-2f7a3d5c8e10");
                SplittableRandom random = new SplittableRandom(42);
                long t0 = System.currentTimeMillis() - turns * 30_000L;
                for (int n = 1; n <= turns; n++) {
                    byte[] body = c.turnBytes(n);
                    sent += body.length;
                    log.offer(record(n, t0 + n * 30_000L, body, answer(random)));
                    if (n % 10 == 0) {
                        log.flush(); // a conversation comes turn by turn, not in one batch
                    }
                }
                log.flush();
            }
            long after = usedBytes(db);
            long grew = after - before;
            double share = 100.0 * grew / sent;
            System.out.printf("  conversation growth: %d turns, %.1f MiB of request bodies, database grew %.2f MiB = %.2f%% "
                            + "of the request bytes (%.1f KiB per request)%n", turns, sent / 1048576.0, grew / 1048576.0,
                    share, grew / 1024.0 / turns);
            try (Connection c = db.connection(); Statement st = c.createStatement()) {
                System.out.printf("    of which: parts %.0f KiB (%d), layouts %.0f KiB, response bodies %.0f KiB, headers %.0f KiB%n",
                        one(st, "SELECT sum(length(data)) FROM request_parts") / 1024.0,
                        one(st, "SELECT count(*) FROM request_parts"),
                        one(st, "SELECT sum(length(request_layout)) FROM request_bodies") / 1024.0,
                        one(st, "SELECT sum(length(response_body)) FROM request_bodies") / 1024.0,
                        one(st, "SELECT sum(length(request_headers) + length(sent_headers) + length(response_headers)) "
                                + "FROM request_bodies") / 1024.0);
            }
            return share;
        } finally {
            RequestLogBench.deleteTree(dir);
        }
    }

    /** Pages in use (free pages not counted) after the WAL is checkpointed into the file. */
    static long usedBytes(Database db) throws SQLException {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            return (one(st, "PRAGMA page_count") - one(st, "PRAGMA freelist_count")) * one(st, "PRAGMA page_size");
        }
    }

    private static long one(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** A streamed answer of about 2 KB: a text block in deltas. */
    static byte[] answer(SplittableRandom random) {
        StringBuilder sb = new StringBuilder("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":"
                + "\"msg_01" + Long.toHexString(random.nextLong()) + "\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":12,\"cache_read_input_tokens\":40000,"
                + "\"output_tokens\":1}}}\n\n");
        String[] words = {"the", "file", "test", "passes", "now", "I", "changed", "parser", "and", "build", "runs"};
        for (int i = 0; i < 20; i++) {
            StringBuilder t = new StringBuilder();
            for (int w = 0; w < 8; w++) {
                t.append(words[random.nextInt(words.length)]).append(' ');
            }
            sb.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                    + "\"text_delta\",\"text\":\"").append(t).append("\"}}\n\n");
        }
        sb.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
                + "\"usage\":{\"output_tokens\":180}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static RequestRecord record(long id, long at, byte[] body, byte[] answer) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("anthropic-beta", List.of("claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27"));
        h.put("anthropic-version", List.of("2023-06-01"));
        h.put("authorization", List.of("[redacted]"));
        h.put("content-type", List.of("application/json"));
        h.put("user-agent", List.of("claude-cli/2.1.332 (external, sdk-cli)"));
        h.put("x-app", List.of("cli"));
        h.put("x-claude-code-session-id", List.of("[redacted]"));
        h.put("x-stainless-retry-count", List.of("0"));
        h.put("accept-encoding", List.of("gzip, deflate, br, zstd"));
        return new RequestRecord(id, at, "POST", "/v1/messages", "beta=true", "claude-sonnet-4-5", "claude-sonnet-4-5",
                true, 200, "anthropic", 1, false, 900, 1500, 6000, new Usage(12, 180, 0, 0, 40_000), null,
                List.of(new AttemptRecord(1, "anthropic", "claude-sonnet-4-5", "ok", 200, 0, 900, 6000)), h, h,
                Map.of("request-id", List.of("req_011CV" + id), "content-type", List.of("text/event-stream")), body, false,
                answer, false, null, null, null, RequestBody.scan(body).spans()); // as the proxy hands it over
    }
}
