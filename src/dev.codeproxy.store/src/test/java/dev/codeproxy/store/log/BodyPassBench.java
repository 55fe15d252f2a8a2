package dev.codeproxy.store.log;

import dev.codeproxy.core.wire.BodySpans;
import dev.codeproxy.core.wire.RequestBody;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.Conversation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one Claude Code-sized request body costs the proxy's scan (request thread) and the log's
 * preparer (its part split, the project search and the rest of {@link PartPreparer#prepare}), per
 * body, in microseconds: the best of several rounds, each the mean of many calls on the same body
 * (as scripts/bench sends it: one session, the same body again, so every part is found in place).
 * Not a test: run its main; a shared machine makes single rounds noisy, hence the best of them.
 */
public final class BodyPassBench {
    private static final Redactor RED = Redactor.of(List.of("sk-ant-api03-bench-key-0123456789abcdef"));
    private static long sink;

    private BodyPassBench() {
    }

    private record Body(String name, byte[] bytes) {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        List<Body> bodies = new ArrayList<>();
        bodies.add(new Body("ClaudeCodeBodies.request 50 KB", ClaudeCodeBodies.request("claude-sonnet-4-5", true,
                50_000).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        bodies.add(new Body("ClaudeCodeBodies.request 200 KB", ClaudeCodeBodies.request("claude-sonnet-4-5", true,
                200_000).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Conversation c = new Conversation(7, "claude-sonnet-4-5", "6f1c2a9e-1f0b-4c61-9a47-2f7a3d5c8e10");
        int n = 1;
        while (c.turnBytes(n).length < 50_000) {
            n++;
        }
        bodies.add(new Body("Conversation turn " + n, c.turnBytes(n)));
        while (c.turnBytes(n).length < 200_000) {
            n++;
        }
        bodies.add(new Body("Conversation turn " + n, c.turnBytes(n)));
        String session = "6f1c2a9e-1f0b-4c61-9a47-2f7a3d5c8e10";
        System.out.printf("best of %d rounds, microseconds per body%n", rounds);
        for (Body b : bodies) {
            byte[] body = b.bytes();
            int iters = Math.max(200, 100_000_000 / Math.max(1, body.length)); // ~100 MB of body per round
            double scan = best(rounds, iters, () -> sink += RequestBody.scan(body).length());
            double split = best(rounds, iters, () -> sink += BodyParts.split(body).parts().size());
            // as the record brings it: the scan's spans of this very array (walked on the request thread)
            BodySpans spans = RequestBody.scan(body).spans();
            double walked = prepare(rounds, iters / 2, body, null, session);
            double given = prepare(rounds, iters / 2, body, spans, session);
            System.out.printf("  %-36s %,8d B  scan %7.1f  BodyParts.split %7.1f  project+prepare: split here %7.1f,"
                    + " scan's spans %7.1f%n", b.name(), body.length, scan, split, walked, given);
        }
        System.out.println(sink == 42 ? "" : "");
    }

    /** The preparer's per-body work as a request log row does it: the session's project, then the parts. */
    private static double prepare(int rounds, int iters, byte[] body, BodySpans spans, String session) {
        PartPreparer p = new PartPreparer();
        try {
            return best(rounds, iters, () -> {
                String proj = p.project(session, body, spans);
                sink += (proj == null ? 0 : proj.length()) + p.prepare(body, spans, Map.of(), session, RED).size();
            });
        } finally {
            p.close();
        }
    }

    /** The best round's mean time of {@code task}, in microseconds (the first round warms up). */
    private static double best(int rounds, int iters, Runnable task) {
        double best = Double.MAX_VALUE;
        for (int r = 0; r <= rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) {
                task.run();
            }
            double us = (System.nanoTime() - t0) / 1e3 / iters;
            if (r > 0) {
                best = Math.min(best, us);
            }
        }
        return best;
    }
}
