package dev.codeproxy.admin.live;

import dev.codeproxy.admin.api.dto.LiveDtos;
import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.secret.Credentials;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The live channel's broker: takes {@link ProxyEvent}s from the data plane, keeps the requests in
 * flight, and fans messages out to subscribers. Knows nothing about HTTP or WebSockets: a
 * subscriber is an {@link Outlet}.
 *
 * <p>{@link #onEvent} runs on the proxy's request threads and only updates a map and offers a
 * message to each subscriber's bounded queue ({@value #QUEUE_CAPACITY}); JSON is written later on
 * the subscribers' own threads. A statistics tick (today's summary, at most once a second and only
 * after a request completed) is computed by one platform thread, because the summary reads SQLite
 * (JNI, which would pin a virtual thread), at {@link Thread#MIN_PRIORITY} (nice 19 in the image).
 */
public final class EventBroker implements ProxyListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventBroker.class.getName());
    /** Messages queued per subscriber before the oldest are dropped. */
    public static final int QUEUE_CAPACITY = 256;
    /** Fastest statistics tick. */
    public static final long TICK_MS = 1_000;
    /** How often every subscriber is pinged (an idle WebSocket is closed by the server after 5 minutes). */
    public static final long PING_MS = 60_000;
    /** A request still "in flight" after this long lost its completion somehow; it is forgotten. */
    private static final long STALE_MS = 6 * 3_600_000L;

    private final Function<Object, String> writer;
    private final Supplier<PriceTable> prices;
    /** This instance's name when several share one database, shown with each request it served ('' otherwise). */
    private volatile String instance = "";
    private final Supplier<List<Shared.EndpointState>> endpoints;
    private final Supplier<Shared.SummaryView> today;
    private final int capacity;

    private final Map<Long, LiveDtos.InFlight> inFlight = new ConcurrentHashMap<>();
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicBoolean statsDirty = new AtomicBoolean(true);
    private volatile Shared.SummaryView lastToday;
    private final Thread ticker;
    private volatile boolean closed;

    /**
     * @param writer    turns a message record into JSON
     * @param prices    the current price table (cost of completed requests)
     * @param endpoints every endpoint's live state
     * @param today     today's summary; read on the broker's ticker thread (it may query the database)
     */
    public EventBroker(Function<Object, String> writer, Supplier<PriceTable> prices,
                       Supplier<List<Shared.EndpointState>> endpoints, Supplier<Shared.SummaryView> today) {
        this(writer, prices, endpoints, today, QUEUE_CAPACITY);
    }

    public EventBroker(Function<Object, String> writer, Supplier<PriceTable> prices,
                       Supplier<List<Shared.EndpointState>> endpoints, Supplier<Shared.SummaryView> today, int capacity) {
        this.writer = writer;
        this.prices = prices;
        this.endpoints = endpoints;
        this.today = today;
        this.capacity = capacity;
        this.ticker = Thread.ofPlatform().daemon().priority(Thread.MIN_PRIORITY).name("live-stats").start(this::tick);
    }

    /** A new subscriber; its first message is a snapshot. The returned handle ends it. */
    public Runnable subscribe(Outlet outlet) {
        Subscriber[] self = new Subscriber[1];
        Subscriber s = new Subscriber(capacity, outlet, writer, this::snapshot, dropped, () -> subscribers.remove(self[0]));
        self[0] = s;
        subscribers.add(s);
        if (lastToday == null) {
            refreshToday();
        }
        s.start(snapshot());
        statsDirty.set(true);
        return s::stop;
    }

    public int clients() {
        return subscribers.size();
    }

    /** Messages dropped for slow clients since start. */
    public long dropped() {
        return dropped.get();
    }

    /** Messages published since start (sent to every subscriber there was). */
    public long published() {
        return published.get();
    }

    /** Names this instance in the live feed's entries (see {@link #instance}). */
    public void instance(String name) {
        this.instance = name == null ? "" : name;
    }

    public int inFlight() {
        return inFlight.size();
    }

    @Override
    public void onEvent(ProxyEvent event) {
        switch (event) {
            case ProxyEvent.RequestStarted e -> {
                String path = Credentials.path(e.path());
                inFlight.put(e.requestId(), new LiveDtos.InFlight(e.requestId(), e.startedAtEpochMs(), e.method(),
                        path, e.model(), e.stream(), "waiting", null, 0));
                publish(() -> new LiveDtos.Started("request_started", e.requestId(), e.startedAtEpochMs(), e.method(),
                        path, e.model(), e.stream()));
            }
            case ProxyEvent.AttemptFinished e -> {
                if ("ok".equals(e.outcome())) {
                    return;
                }
                inFlight.computeIfPresent(e.requestId(), (k, v) -> new LiveDtos.InFlight(v.id(), v.startedAt(),
                        v.method(), v.path(), v.model(), v.stream(), "retrying", e.endpoint(), e.attempt()));
                publish(() -> new LiveDtos.AttemptFailed("attempt_failed", e.requestId(), e.attempt(), e.endpoint(),
                        e.sentModel(), e.outcome(), e.status(), e.headersMs(), e.durationMs(), e.willRetry()));
                if ("next".equals(e.willRetry())) {
                    publish(() -> new LiveDtos.FailedOver("failed_over", e.requestId(), e.endpoint(), e.attempt()));
                }
            }
            case ProxyEvent.RequestCommitted e -> {
                inFlight.computeIfPresent(e.requestId(), (k, v) -> new LiveDtos.InFlight(v.id(), v.startedAt(),
                        v.method(), v.path(), v.model(), v.stream(), "streaming", e.endpoint(), e.attempts()));
                publish(() -> new LiveDtos.Committed("committed", e.requestId(), e.endpoint(), e.status(), e.attempts()));
            }
            case ProxyEvent.RequestCompleted e -> {
                inFlight.remove(e.requestId());
                statsDirty.set(true);
                var r = e.record();
                publish(() -> LiveMessages.completed(r, prices.get(), instance));
            }
            case ProxyEvent.EndpointStateChanged e -> publish(() -> new LiveDtos.EndpointChanged("endpoint_state",
                    e.endpointId(), e.endpoint(), LiveMessages.stateName(e.state()),
                    e.untilEpochMs() == 0 ? null : e.untilEpochMs()));
        }
    }

    /** Tells every subscriber the endpoints changed (added, edited, removed, reordered, enabled...). */
    public void endpointsChanged() {
        if (subscribers.isEmpty()) {
            return;
        }
        List<Shared.EndpointState> list = endpoints.get();
        publish(() -> new LiveDtos.Endpoints("endpoints", list));
    }

    private void publish(Supplier<Object> body) {
        published.incrementAndGet();
        if (subscribers.isEmpty()) {
            return;
        }
        Message m = new Message(body);
        for (Subscriber s : subscribers) {
            s.offer(m);
        }
    }

    private Message snapshot() {
        List<LiveDtos.InFlight> list = new ArrayList<>(inFlight.values());
        list.sort(Comparator.comparingLong(LiveDtos.InFlight::id));
        List<Shared.EndpointState> eps = endpoints.get();
        Shared.SummaryView t = lastToday;
        long now = System.currentTimeMillis();
        return new Message(() -> new LiveDtos.Snapshot("snapshot", now, list, eps, t));
    }

    private void refreshToday() {
        try {
            lastToday = today.get();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "today's summary is not available: " + e);
        }
    }

    private void tick() {
        long lastPing = System.currentTimeMillis();
        while (!closed) {
            try {
                Thread.sleep(TICK_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.currentTimeMillis();
            inFlight.values().removeIf(f -> now - f.startedAt() > STALE_MS);
            if (now - lastPing >= PING_MS) {
                lastPing = now;
                subscribers.forEach(s -> s.offer(Message.PING));
            }
            if (subscribers.isEmpty() || !statsDirty.getAndSet(false)) {
                continue;
            }
            refreshToday();
            Shared.SummaryView t = lastToday;
            int n = inFlight.size();
            publish(() -> new LiveDtos.Stats("stats", now, n, t));
        }
    }

    @Override
    public void close() {
        closed = true;
        ticker.interrupt();
        for (Subscriber s : subscribers) {
            s.closeOutlet();
        }
        subscribers.clear();
    }
}
