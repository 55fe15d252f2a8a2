package dev.codeproxy.admin.metrics;

import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.pricing.Cost;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.store.stats.Histogram;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Counters for {@code /observe/metrics}, kept in memory from {@link ProxyEvent}s: each event only
 * bumps a few {@link LongAdder}s (the price of a completed request comes from the in-memory price
 * table). They start at zero with the process, as Prometheus counters do.
 *
 * <p>Label cardinality is bounded: {@code endpoint} takes configured names, {@code status} HTTP
 * codes, and {@code model} only models the price table knows (bundled or overridden), at most
 * {@value #MAX_MODELS} of them; any other model id a client sends counts as {@value #OTHER}.
 */
public final class Metrics implements ProxyListener {
    static final String[] TOKEN_KINDS = {"input", "output", "cache_write_5m", "cache_write_1h", "cache_read"};
    static final String OTHER = "other";
    static final String NONE = "none";
    static final int MAX_MODELS = 50;

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

    /** Label values joined by NUL into one map key (none contains one: they are printable names and numbers). */
    static final class Key {
        private Key() {
        }

        static String of(String... values) {
            return String.join("\0", values);
        }

        static String[] split(String key) {
            return key.split("\0", -1);
        }
    }

    private final Supplier<PriceTable> prices;
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    /** endpoint, model, status, outcome */
    final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    /** endpoint, outcome */
    final Map<String, LongAdder> attempts = new ConcurrentHashMap<>();
    final LongAdder failovers = new LongAdder();
    /** endpoint, model, kind */
    final Map<String, LongAdder> tokens = new ConcurrentHashMap<>();
    /** endpoint, model */
    final Map<String, LongAdder> costMicros = new ConcurrentHashMap<>();
    final LongAdder unpriced = new LongAdder();
    /** endpoint, model */
    final Map<String, Buckets> total = new ConcurrentHashMap<>();
    final Map<String, Buckets> firstToken = new ConcurrentHashMap<>();
    private final ResponseCounter responses = new ResponseCounter();
    private volatile String version = "unknown";

    public Metrics(Supplier<PriceTable> prices) {
        this.prices = prices;
    }

    /** The filter counting every response of the listener (register it before any other). */
    public ResponseCounter responses() {
        return responses;
    }

    /** The version {@code code_proxy_build_info} reports. */
    public void buildInfo(String version) {
        this.version = version == null ? "unknown" : version;
    }

    String version() {
        return version;
    }

    @Override
    public void onEvent(ProxyEvent event) {
        switch (event) {
            case ProxyEvent.AttemptFinished a -> {
                attempts.computeIfAbsent(Key.of(endpoint(a.endpoint()), a.outcome() == null ? "" : a.outcome()),
                        k -> new LongAdder()).increment();
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
        String billed = r.sentModel() == null || r.sentModel().isEmpty() ? r.model() : r.sentModel();
        String endpoint = endpoint(r.endpoint());
        String model = model(billed);
        requests.computeIfAbsent(Key.of(endpoint, model, Integer.toString(r.status()), outcome), k -> new LongAdder())
                .increment();
        Usage u = r.usage() == null ? Usage.NONE : r.usage();
        if (!u.isEmpty()) {
            long[] v = {u.input(), u.output(), u.cacheWrite5m(), u.cacheWrite1h(), u.cacheRead()};
            for (int i = 0; i < TOKEN_KINDS.length; i++) {
                if (v[i] != 0) {
                    tokens.computeIfAbsent(Key.of(endpoint, model, TOKEN_KINDS[i]), k -> new LongAdder()).add(v[i]);
                }
            }
            // the one cost function (the log and the live feed use it too)
            Cost cost = Cost.of(r, prices.get());
            if (cost.priced()) {
                costMicros.computeIfAbsent(Key.of(endpoint, model), k -> new LongAdder()).add(cost.micros());
            } else {
                unpriced.increment();
            }
        }
        if (outcome.equals("success") || outcome.equals("failed_over")) {
            String k = Key.of(endpoint, model);
            total.computeIfAbsent(k, x -> new Buckets()).add(r.totalMs());
            if (r.firstTokenMs() >= 0) {
                firstToken.computeIfAbsent(k, x -> new Buckets()).add(r.firstTokenMs());
            }
        }
    }

    private static String endpoint(String name) {
        return name == null || name.isEmpty() ? NONE : name;
    }

    /** The model label: a priced model's id (at most {@value #MAX_MODELS} distinct), else {@value #OTHER}. */
    String model(String id) {
        if (id == null || id.isBlank()) {
            return NONE;
        }
        String m = id.strip();
        if (models.contains(m)) {
            return m;
        }
        if (m.length() > 100 || m.chars().anyMatch(c -> c < 0x21 || c > 0x7e) || prices.get().find(m).isEmpty()) {
            return OTHER;
        }
        synchronized (models) {
            if (models.size() >= MAX_MODELS) {
                return OTHER;
            }
            models.add(m);
        }
        return m;
    }
}
