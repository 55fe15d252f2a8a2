package dev.codeproxy.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sequential non-streaming requests on one keep-alive connection per target. Every target is
 * warmed up first; then measurement rounds alternate between targets so that drift (JIT, CPU
 * frequency, other load) hits all of them alike. A sample is the time from just before the request
 * is written to the arrival of the last byte of the response.
 */
final class LatencyBench {
    private LatencyBench() {
    }

    static Map<String, Samples> run(List<Target> targets, String path, byte[] body, int warmup, int rounds,
                                    int perRound) throws IOException {
        return run(targets, path, body, warmup, rounds, perRound, 0);
    }

    /** As above, idling {@code pauseMillis} before every measured request (a client that is not in a hurry). */
    static Map<String, Samples> run(List<Target> targets, String path, byte[] body, int warmup, int rounds,
                                    int perRound, long pauseMillis) throws IOException {
        Map<String, Samples> result = new LinkedHashMap<>();
        Map<String, HttpConn> conns = new LinkedHashMap<>();
        Map<String, byte[]> requests = new LinkedHashMap<>();
        try {
            for (Target t : targets) {
                requests.put(t.name(), HttpConn.post(t.port(), path, ProxyProcess.CLIENT_TOKEN, body, false));
                conns.put(t.name(), HttpConn.open(t.port(), 30_000));
                result.put(t.name(), new Samples());
                for (int i = 0; i < warmup; i++) {
                    one(t, conns, requests);
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < targets.size(); k++) {
                    Target t = targets.get((r + k) % targets.size());
                    Samples s = result.get(t.name());
                    for (int i = 0; i < perRound; i++) {
                        if (pauseMillis > 0) {
                            pause(pauseMillis);
                        }
                        s.add(one(t, conns, requests));
                    }
                }
            }
        } finally {
            conns.values().forEach(HttpConn::close);
        }
        return result;
    }

    private static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static long one(Target t, Map<String, HttpConn> conns, Map<String, byte[]> requests) throws IOException {
        HttpConn c = conns.get(t.name());
        long t0 = System.nanoTime();
        c.send(requests.get(t.name()));
        HttpConn.Head h = c.readHead();
        if (h.status != 200) {
            throw new IOException(t.name() + " answered " + h.status + ": " + c.readBodyText(h, 500));
        }
        c.readBody(h);
        long t1 = System.nanoTime();
        if (c.mustClose()) {
            c.close();
            conns.put(t.name(), HttpConn.open(t.port(), 30_000));
        }
        return t1 - t0;
    }
}
