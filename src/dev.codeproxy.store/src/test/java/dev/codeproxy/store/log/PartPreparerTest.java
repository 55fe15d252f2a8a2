package dev.codeproxy.store.log;

import dev.codeproxy.core.wire.BodySpans;
import dev.codeproxy.core.wire.RequestBody;
import dev.codeproxy.testkit.Conversation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The preparer finds a part of a session's previous body by comparing bytes instead of hashing
 * them: what it prepares must be exactly what a preparer that hashes everything prepares.
 */
class PartPreparerTest {
    private static final Redactor RED = Redactor.of(List.of("sk-ant-api03-secretsecretsecret"));

    /** What a body prepares to, as text: each part's kind, stored hash, size and gap. */
    private static String layout(PartPreparer.Prepared p) {
        StringBuilder b = new StringBuilder(HexFormat.of().formatHex(p.envelope().hash())).append('\n');
        for (PartPreparer.Placed pl : p.parts()) {
            b.append(pl.kind()).append(' ').append(HexFormat.of().formatHex(pl.part().hash())).append(' ')
                    .append(pl.part().size()).append(' ').append(pl.gap()).append('\n');
        }
        return b.append(p.size()).toString();
    }

    private static String fresh(byte[] body, String session) {
        PartPreparer f = new PartPreparer();
        try {
            return layout(f.prepare(body, null, Map.of(), session, RED)); // split by its own walk
        } finally {
            f.close();
        }
    }

    @Test
    void aConversationPreparesAsIfEveryPartWereHashedAndMostPartsAreFoundByTheirPlace() {
        Conversation c = new Conversation(3, "claude-sonnet-4-5", "s-1");
        PartPreparer p = new PartPreparer();
        int parts = 0;
        for (int n = 1; n <= 30; n++) {
            byte[] body = c.turnBytes(n);
            PartPreparer.Prepared got = p.prepare(body, RequestBody.scan(body).spans(), Map.of(), "s-1", RED);
            assertNotNull(got);
            parts += got.parts().size() + 1;
            assertEquals(fresh(body, "s-1"), layout(got), "turn " + n);
        }
        // each turn adds a message or two and moves the cache marker: nearly everything else is reused
        assertTrue(p.reused > parts * 0.8, p.reused + " of " + parts + " parts reused");
        // and nearly all of those without hashing them: found in place in the previous body
        assertTrue(p.inPlace > parts * 0.75, p.inPlace + " of " + parts + " parts found in place");
        p.close();
    }

    @Test
    void aChangeInsideAPartOrAnotherSessionsBodyIsNeverTakenForThePreviousPart() {
        String a = "{\"model\":\"m\",\"system\":\"keep\",\"messages\":[{\"role\":\"user\",\"content\":\"one\"},"
                + "{\"role\":\"assistant\",\"content\":\"two\"}]}";
        // same length, one byte different in the first message; and a secret appearing in the second
        String b = a.replace("\"one\"", "\"onE\"");
        String s = a.replace("\"two\"", "\"sk-ant-api03-secretsecretsecret\"");
        PartPreparer p = new PartPreparer();
        for (String body : List.of(a, b, a, s, b)) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            BodySpans spans = RequestBody.scan(bytes).spans();
            assertEquals(fresh(bytes, "x"), layout(p.prepare(bytes, spans, Map.of(), "x", RED)), body);
            // a second session alternating with the first
            assertEquals(fresh(bytes, "y"), layout(p.prepare(bytes, spans, Map.of(), "y", RED)), body);
            assertEquals(fresh(bytes, null), layout(p.prepare(bytes, null, Map.of(), null, RED)), body);
        }
        p.close();
    }
}
