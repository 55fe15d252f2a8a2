package dev.codeproxy.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opens {@code n} concurrent streaming requests through the proxy. The upstream sends the first
 * event of each and then holds the stream open (a gate); once every client has its first event,
 * the proxy's resident memory is read, and the gate is released so all streams finish.
 * Connections are opened at most {@code ramp} at a time (listen backlogs are finite).
 */
final class MemoryBench {
    record Result(int open, int failed, int completed, long rssKb, long hwmKb, long threads, double openSeconds,
                  String firstError, HeapHistogram.Result live) {
    }

    private MemoryBench() {
    }

    static Result run(int port, long javaPid, String path, byte[] body, int n, int ramp, int expectedEvents,
                      CountDownLatch upstreamGate) throws InterruptedException {
        byte[] request = HttpConn.post(port, path, ProxyProcess.CLIENT_TOKEN, body, false);
        CountDownLatch first = new CountDownLatch(n);
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        Semaphore opening = new Semaphore(ramp);
        long t0 = System.nanoTime();
        long rss;
        long hwm;
        long threads;
        double openSeconds;
        int open;
        HeapHistogram.Result live = null;
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                ex.submit(() -> {
                    AtomicBoolean counted = new AtomicBoolean();
                    Runnable firstSeen = () -> {
                        if (counted.compareAndSet(false, true)) {
                            opening.release();
                            first.countDown();
                        }
                    };
                    try {
                        opening.acquire();
                    } catch (InterruptedException e) {
                        return;
                    }
                    try (HttpConn c = HttpConn.open(port, 120_000)) {
                        c.send(request);
                        HttpConn.Head h = c.readHead();
                        if (h.status != 200) {
                            throw new IOException("status " + h.status);
                        }
                        int events = c.readEvents(h, (idx, at) -> {
                            firstSeen.run();
                            return true;
                        });
                        if (events == expectedEvents) {
                            completed.incrementAndGet();
                        } else {
                            throw new IOException(events + " events instead of " + expectedEvents);
                        }
                    } catch (IOException | RuntimeException e) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    } finally {
                        firstSeen.run();
                    }
                });
            }
            boolean all = first.await(120, TimeUnit.SECONDS);
            openSeconds = (System.nanoTime() - t0) / 1e9;
            open = all ? n - failed.get() : (int) (n - first.getCount() - failed.get());
            Thread.sleep(Duration.ofSeconds(2)); // let the proxy settle (lazy allocations, GC)
            rss = ProxyProcess.procStatus(javaPid, "VmRSS");
            hwm = ProxyProcess.procStatus(javaPid, "VmHWM");
            threads = ProxyProcess.procStatus(javaPid, "Threads");
            try {
                live = HeapHistogram.take(javaPid); // after RSS: it collects fully first
                String dump = System.getenv("BENCH_HEAP_DUMP");
                if (dump != null && !dump.isBlank()) {
                    HeapHistogram.dump(javaPid, java.nio.file.Path.of(dump + "-" + n + ".hprof"));
                }
            } catch (IOException e) {
                System.out.println("  (no heap histogram: " + e.getMessage() + ")");
            }
            upstreamGate.countDown();
            ex.shutdown();
            if (!ex.awaitTermination(120, TimeUnit.SECONDS)) {
                ex.shutdownNow();
            }
        }
        return new Result(open, failed.get(), completed.get(), rss, hwm, threads, openSeconds, firstError.get(), live);
    }
}
