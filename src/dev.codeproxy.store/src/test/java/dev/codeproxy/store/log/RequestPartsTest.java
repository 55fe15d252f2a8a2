package dev.codeproxy.store.log;

import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.Conversation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request bodies stored by their parts: once each, joined back byte for byte. */
class RequestPartsTest {
    static final String SESSION = "7c1e2a9d-3b4f-4e6a-9c8d-1f2e3d4c5b6a";

    @TempDir
    Path dir;

    static Rec turn(Conversation c, int n, long id) {
        Rec r = Rec.of(id);
        r.requestBody = c.turnBytes(n);
        return r;
    }

    @Test
    void everyTurnOfAConversationComesBackByteForByte() {
        Conversation c = new Conversation(1, "claude-sonnet-4-5", SESSION);
        int turns = 30;
        try (TestStore s = new TestStore(dir)) {
            for (int n = 1; n <= turns; n++) {
                s.write(turn(c, n, n));
            }
            LogQueries q = new LogQueries(s.db);
            long sent = 0;
            for (int n = 1; n <= turns; n++) {
                byte[] original = c.turnBytes(n);
                sent += original.length;
                assertArrayEquals(original, q.detail(n).orElseThrow().requestBody(), "turn " + n);
            }
            assertEquals(turns, s.scalar("SELECT count(*) FROM request_bodies WHERE request_layout IS NOT NULL"));
            assertEquals(0, s.scalar("SELECT count(*) FROM request_bodies WHERE request_body IS NOT NULL"));
            // each turn adds an envelope, an assistant message, a user message and the user message before
            // it once more (its cache marker moved): system and tools are stored once
            long parts = s.scalar("SELECT count(*) FROM request_parts");
            assertTrue(parts <= 2 + 4L * turns, parts + " parts");
            long stored = s.scalar("SELECT sum(length(data)) FROM request_parts")
                    + s.scalar("SELECT sum(length(request_layout)) FROM request_bodies");
            assertTrue(stored < sent / 20, "stored " + stored + " bytes for " + sent + " sent");
            // redaction and compression ran on new parts only
            assertEquals(parts, s.log.partsPrepared());
            assertTrue(s.log.partsReused() > 20L * turns, s.log.partsReused() + " parts reused");
            // references add up: every layout's parts are counted once per reference
            assertEquals(s.scalar("SELECT sum(refs) FROM request_parts"), refsInLayouts(s));
        }
    }

    @Test
    void theTestKitsClaudeCodeBodiesComeBackByteForByte() {
        // non-ASCII text, escaped quotes and backslashes, a unicode escape, a role:"system" message
        String[] bodies = {ClaudeCodeBodies.request("claude-opus-4-8", true, 60_000),
            ClaudeCodeBodies.request("claude-haiku-4-5-20251001", false, 9_000),
            ClaudeCodeBodies.minimal("claude-sonnet-5", true),
            " {\n  \"messages\" : [ {\"role\":\"user\",\"content\":\"x\"} ] ,\n \"model\":\"m\"\t}\n"};
        try (TestStore s = new TestStore(dir)) {
            for (int i = 0; i < bodies.length; i++) {
                s.write(Rec.of(i + 1).bodies(bodies[i], "ok"));
            }
            LogQueries q = new LogQueries(s.db);
            for (int i = 0; i < bodies.length; i++) {
                assertArrayEquals(bodies[i].getBytes(StandardCharsets.UTF_8), q.detail(i + 1).orElseThrow().requestBody());
            }
            assertEquals(bodies.length, s.scalar("SELECT count(*) FROM request_bodies WHERE request_layout IS NOT NULL"));
        }
    }

    @Test
    void newMessagesAreCountedAgainstThePreviousRequestOfTheSameSession() {
        Conversation c = new Conversation(2, "claude-sonnet-4-5", SESSION);
        Conversation other = new Conversation(3, "claude-sonnet-4-5", "0b9e7f7e-1111-4c61-9a47-2f7a3d5c8e10");
        try (TestStore s = new TestStore(dir)) {
            s.write(turn(c, 1, 1), turn(c, 2, 2), turn(other, 1, 3), turn(other, 2, 4), turn(c, 3, 5));
            LogQueries q = new LogQueries(s.db);
            MessageDelta first = q.detail(1).orElseThrow().messages();
            assertEquals(new MessageDelta(1, 1, List.of(0), null, 0), first);
            // turn 3 follows turn 2 of its own session (request 2), not the other session's request 4
            MessageDelta third = q.detail(5).orElseThrow().messages();
            assertEquals(5, third.total());
            assertEquals(2L, third.previousId());
            assertEquals(List.of(3, 4), third.newIndexes());
            assertEquals(2, third.fresh());
            assertEquals(1, third.changed(), "the message that lost its cache marker");
            assertEquals(3L, q.detail(4).orElseThrow().messages().previousId());
        }
    }

    @Test
    void partsNoLongerReferencedAreCollectedAndStoredAgainWhenSeenLater() {
        Conversation c = new Conversation(4, "claude-sonnet-4-5", SESSION);
        try (TestStore s = new TestStore(dir)) {
            for (int n = 1; n <= 5; n++) {
                s.write(turn(c, n, n));
            }
            s.set(Map.of("bodyRetention", "2"));
            s.log.flush();
            assertEquals(2, s.scalar("SELECT count(*) FROM request_bodies"));
            assertEquals(0, s.scalar("SELECT count(*) FROM request_parts WHERE refs <= 0"));
            assertEquals(s.scalar("SELECT sum(refs) FROM request_parts"), refsInLayouts(s));
            LogQueries q = new LogQueries(s.db);
            assertArrayEquals(c.turnBytes(5), q.detail(5).orElseThrow().requestBody());

            s.set(Map.of("bodyRetention", "0"));
            s.log.flush();
            assertEquals(0, s.scalar("SELECT count(*) FROM request_parts"), "no body left, no part left");

            // the preparer still remembers these parts: the writer stores them again
            s.set(Map.of("bodyRetention", "1000"));
            s.write(turn(c, 6, 6));
            assertArrayEquals(c.turnBytes(6), q.detail(6).orElseThrow().requestBody());
            assertEquals(s.scalar("SELECT sum(refs) FROM request_parts"), refsInLayouts(s));
        }
    }

    @Test
    void aSecretLearntLaterIsMaskedInPartsSeenBefore() {
        String key = "gw-key-77f1c0ffee-not-a-known-shape";
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"my key " + key + "\"}]}";
        try (TestStore s = new TestStore(dir)) {
            s.write(Rec.of(1).bodies(body, "ok"));
            s.secrets.set(List.of(key));
            s.write(Rec.of(2).bodies(body, "ok"));
            LogQueries q = new LogQueries(s.db);
            String second = new String(q.detail(2).orElseThrow().requestBody(), StandardCharsets.UTF_8);
            assertFalse(second.contains(key), second);
            assertEquals(body.replace(key, "[redacted]"), second);
        }
    }

    @Test
    void cutAndNonJsonBodiesAreStoredWhole() {
        try (TestStore s = new TestStore(dir)) {
            s.set(Map.of("maxBodyBytes", "100"));
            Conversation c = new Conversation(5, "m", SESSION);
            s.write(turn(c, 1, 1), Rec.of(2).bodies("[1,2,3]", "ok"), Rec.of(3).bodies("{\"a\":1} trailing", "ok"));
            LogQueries q = new LogQueries(s.db);
            LogDetail cut = q.detail(1).orElseThrow();
            assertTrue(cut.requestBodyTruncated());
            assertEquals(100, cut.requestBody().length);
            assertNull(cut.messages());
            assertEquals("[1,2,3]", new String(q.detail(2).orElseThrow().requestBody(), StandardCharsets.UTF_8));
            assertEquals("{\"a\":1} trailing", new String(q.detail(3).orElseThrow().requestBody(), StandardCharsets.UTF_8));
            assertEquals(0, s.scalar("SELECT count(*) FROM request_parts"));
        }
    }

    @Test
    void splitKeepsEveryByte() {
        String[] bodies = {
            "{}", " { \"messages\" : [ ] , \"system\":\"s\" } ", "{\"messages\":[{\"a\":\"]}\\\"\"} ,\n 1,\"x\",[[]],null]}",
            "{\"tools\":[],\"messages\":[true],\"system\":[{\"text\":\"{\\\\\"}],\"z\":-1.5e3}",
        };
        for (String b : bodies) {
            byte[] raw = b.getBytes(StandardCharsets.UTF_8);
            BodyParts.Split split = BodyParts.split(raw);
            assertTrue(split != null, b);
            byte[] env = split.envelope(raw);
            StringBuilder joined = new StringBuilder();
            int from = 0;
            int removed = 0;
            for (BodyParts.Span sp : split.parts()) {
                joined.append(new String(env, from, sp.start() - removed - from, StandardCharsets.UTF_8))
                        .append(new String(raw, sp.start(), sp.end() - sp.start(), StandardCharsets.UTF_8));
                from = sp.start() - removed;
                removed += sp.end() - sp.start();
            }
            joined.append(new String(env, from, env.length - from, StandardCharsets.UTF_8));
            assertEquals(b, joined.toString());
        }
        for (String bad : new String[] {"", "[]", "{", "{\"a\":}", "{\"a\" 1}", "{\"a\":\"x}", "{} {}"}) {
            assertNull(BodyParts.split(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }

    static long refsInLayouts(TestStore s) {
        long n = 0;
        for (List<Object> row : s.rows("SELECT request_layout FROM request_bodies WHERE request_layout IS NOT NULL")) {
            Map<Long, Integer> refs = new HashMap<>();
            BodyLayout.decode((byte[]) row.get(0)).countRefs(refs);
            n += refs.values().stream().mapToInt(Integer::intValue).sum();
        }
        return n;
    }
}
