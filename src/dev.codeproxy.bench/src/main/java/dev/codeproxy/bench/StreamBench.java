package dev.codeproxy.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sequential streaming requests: one keep-alive connection per target, targets interleaved stream
 * by stream, so each target sees one stream about every {@code targets × stream length} — idle in
 * between, like a real client. The upstream sends a fixed list of SSE events with a fixed delay
 * between them. Every event's arrival time (after the request was written) is recorded.
 *
 * <ul>
 *   <li>Time to first token: request written → first {@code content_block_delta} event arrived.
 *       (Not the first event: Code Proxy holds {@code message_start} until the first
 *       {@code content_block_start} on purpose, so it can still fail over.)</li>
 *   <li>Gaps: arrival of event k minus arrival of event k−1, for the events after the first
 *       {@code content_block_start} (before it the proxy releases events together, by design).</li>
 *   <li>Per-event delay: for every event from the first token on, its arrival offset minus the
 *       median offset of the same event direct.</li>
 * </ul>
 */
final class StreamBench {
    static final class Result {
        final Samples ttft = new Samples();
        final Samples gaps = new Samples();
        /** offsets[k]: arrival of event k after the request was written, one sample per stream. */
        Samples[] offsets;
        int badStreams;

        /** How late each event from {@code from} on arrives compared to the median of {@code direct}. */
        Samples delayVersus(Result direct, int from) {
            Samples s = new Samples();
            for (int k = from; k < offsets.length; k++) {
                double base = direct.offsets[k].percentileNanos(50);
                for (long v : offsets[k].values()) {
                    s.add(v - (long) base);
                }
            }
            return s;
        }
    }

    private StreamBench() {
    }

    /**
     * @param firstToken index of the first {@code content_block_delta} in the scripted events
     * @param firstGap   first k whose gap (k−1 → k) is measured
     */
    static Map<String, Result> run(List<Target> targets, String path, byte[] body, int events, int firstToken,
                                   int firstGap, int warmup, int streams) throws IOException {
        Map<String, Result> results = new LinkedHashMap<>();
        Map<String, HttpConn> conns = new LinkedHashMap<>();
        Map<String, byte[]> requests = new LinkedHashMap<>();
        long[] times = new long[events + 16];
        try {
            for (Target t : targets) {
                Result r = new Result();
                r.offsets = new Samples[events];
                for (int k = 0; k < events; k++) {
                    r.offsets[k] = new Samples();
                }
                results.put(t.name(), r);
                requests.put(t.name(), HttpConn.post(t.port(), path, ProxyProcess.CLIENT_TOKEN, body, false));
                conns.put(t.name(), HttpConn.open(t.port(), 30_000));
            }
            for (int i = 0; i < warmup + streams; i++) {
                for (Target t : targets) {
                    Result r = results.get(t.name());
                    HttpConn c = conns.get(t.name());
                    long t0 = System.nanoTime();
                    c.send(requests.get(t.name()));
                    HttpConn.Head h = c.readHead();
                    if (h.status != 200) {
                        throw new IOException(t.name() + " answered " + h.status + " to a streaming request: "
                                + c.readBodyText(h, 500));
                    }
                    int n = c.readEvents(h, (idx, at) -> {
                        if (idx < times.length) {
                            times[idx] = at;
                        }
                        return true;
                    });
                    if (c.mustClose()) {
                        c.close();
                        conns.put(t.name(), HttpConn.open(t.port(), 30_000));
                    }
                    if (i < warmup) {
                        continue;
                    }
                    if (n != events) {
                        r.badStreams++;
                        continue;
                    }
                    r.ttft.add(times[firstToken] - t0);
                    for (int k = 0; k < n; k++) {
                        r.offsets[k].add(times[k] - t0);
                        if (k >= firstGap) {
                            r.gaps.add(times[k] - times[k - 1]);
                        }
                    }
                }
            }
        } finally {
            conns.values().forEach(HttpConn::close);
        }
        return results;
    }
}
