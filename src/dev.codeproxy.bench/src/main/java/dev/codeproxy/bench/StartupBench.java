package dev.codeproxy.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts the image {@code runs} times, each with a fresh, empty data directory (so the database is
 * created and migrated during the start) or with an existing one, and measures from process start
 * to the first 200 on {@code HEAD /}, polling with a 2 ms connect retry.
 */
final class StartupBench {
    private StartupBench() {
    }

    static Samples run(Env env, int runs, boolean pinned, String label) throws Exception {
        return run(env, runs, pinned, label, true);
    }

    /** With {@code fresh} false, every run reuses one data directory, created by an unmeasured first start. */
    static Samples run(Env env, int runs, boolean pinned, String label, boolean fresh) throws Exception {
        Samples s = new Samples();
        if (!fresh) {
            Path dataDir = env.tmp.resolve("startup-" + label);
            try (ProxyProcess p = ProxyProcess.start(env, dataDir, Env.freePort(), pinned, "startup-" + label + ".log")) {
                p.awaitReady(Duration.ofSeconds(30), 2);
            }
        }
        for (int i = 0; i < runs; i++) {
            Path dataDir = env.tmp.resolve("startup-" + label + (fresh ? "-" + i : ""));
            int port = Env.freePort();
            try (ProxyProcess p = ProxyProcess.start(env, dataDir, port, pinned, "startup-" + label + "-" + i + ".log")) {
                long ready = p.awaitReady(Duration.ofSeconds(30), 2);
                s.add(ready - p.startNanos);
            }
        }
        return s;
    }
}
