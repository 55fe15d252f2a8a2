package dev.codeproxy.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Requests at a fixed rate over many keep-alive connections, below the proxy's capacity, so that
 * a latency percentile measures the proxy rather than the queue a saturating client (wrk) builds
 * in front of it. Each connection sends on its own fixed schedule (rate ÷ connections, staggered);
 * a sample runs from the request's scheduled time, not from when it was actually written, so a
 * stall that delays the next requests of a connection counts in every one of them (no coordinated
 * omission).
 */
final class PacedLoad {
    private PacedLoad() {
    }

    /** The samples of {@code seconds} of load at {@code perSecond} requests over {@code connections}. */
    static Samples run(int port, String path, byte[] body, int connections, double perSecond, int seconds)
            throws IOException, InterruptedException {
        byte[] request = HttpConn.post(port, path, ProxyProcess.CLIENT_TOKEN, body, false);
        long interval = (long) (TimeUnit.SECONDS.toNanos(1) * connections / perSecond);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Samples> each = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (int c = 0; c < connections; c++) {
            Samples s = new Samples();
            each.add(s);
            long first = start + interval * c / connections;
            threads.add(Thread.ofVirtual().start(() -> {
                try (HttpConn conn = HttpConn.open(port, 30_000)) {
                    for (long due = first; due < end; due += interval) {
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        conn.send(request);
                        HttpConn.Head h = conn.readHead();
                        if (h.status != 200) {
                            throw new IOException("answered " + h.status + ": " + conn.readBodyText(h, 300));
                        }
                        conn.readBody(h);
                        s.add(System.nanoTime() - due);
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IOException("paced load: " + failure.get().getMessage(), failure.get());
        }
        Samples all = new Samples();
        for (Samples s : each) {
            for (long v : s.values()) {
                all.add(v);
            }
        }
        return all;
    }
}
