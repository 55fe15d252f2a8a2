package dev.codeproxy.admin.metrics;

import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.pricing.Cost;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.store.stats.Histogram;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Counters for {@code /observe/metrics}, kept in memory from {@link ProxyEvent}s: each event only
 * bumps a few {@link LongAdder}s (the price of a completed request comes from the in-memory price
 * table). They start at zero with the process, as Prometheus counters do.
 */
public final class Metrics implements ProxyListener {
    static final String[] OUTCOMES = {"success", "failed_over", "client_error", "upstream_error"};
    static final String[] TOKEN_KINDS = {"input", "output", "cache_write_5m", "cache_write_1h", "cache_read"};

    /** A fixed-bucket histogram ({@link Histogram#BOUNDS}, ms) safe for concurrent adds. */
    static final class Buckets {
        final LongAdder[] counts = new LongAdder[Histogram.BUCKETS];
        final LongAdder sumMs = new LongAdder();
        final LongAdder count = new LongAdder();

        Buckets() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void add(long ms) {
            long v = Math.max(0, ms);
            counts[Histogram.bucketOf(v)].increment();
            sumMs.add(v);
            count.increment();
        }
    }

    private final Supplier<PriceTable> prices;
    final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    final Map<String, LongAdder> attempts = new ConcurrentHashMap<>();
    final LongAdder failovers = new LongAdder();
    final LongAdder[] tokens = new LongAdder[TOKEN_KINDS.length];
    final LongAdder costMicros = new LongAdder();
    final LongAdder unpriced = new LongAdder();
    final Buckets total = new Buckets();
    final Buckets firstToken = new Buckets();

    public Metrics(Supplier<PriceTable> prices) {
        this.prices = prices;
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = new LongAdder();
        }
        for (String o : OUTCOMES) {
            requests.put(o, new LongAdder());
        }
    }

    @Override
    public void onEvent(ProxyEvent event) {
        switch (event) {
            case ProxyEvent.AttemptFinished a -> {
                attempts.computeIfAbsent(key(a.endpoint(), a.outcome()), k -> new LongAdder()).increment();
                if ("next".equals(a.willRetry())) {
                    failovers.increment();
                }
            }
            case ProxyEvent.RequestCompleted c -> completed(c.record());
            default -> {
            }
        }
    }

    private void completed(RequestRecord r) {
        String outcome = r.outcomeClass();
        requests.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        Usage u = r.usage() == null ? Usage.NONE : r.usage();
        tokens[0].add(u.input());
        tokens[1].add(u.output());
        tokens[2].add(u.cacheWrite5m());
        tokens[3].add(u.cacheWrite1h());
        tokens[4].add(u.cacheRead());
        if (!u.isEmpty()) {
            String billed = r.sentModel() == null || r.sentModel().isEmpty() ? r.model() : r.sentModel();
            Cost cost = prices.get().cost(billed, u);
            if (cost.priced()) {
                costMicros.add(cost.micros());
            } else {
                unpriced.increment();
            }
        }
        if (outcome.equals("success") || outcome.equals("failed_over")) {
            total.add(r.totalMs());
            if (r.firstTokenMs() >= 0) {
                firstToken.add(r.firstTokenMs());
            }
        }
    }

    /** endpoint and outcome joined by a NUL (neither contains one). */
    static String key(String endpoint, String outcome) {
        return (endpoint == null ? "" : endpoint) + '\0' + (outcome == null ? "" : outcome);
    }
}
