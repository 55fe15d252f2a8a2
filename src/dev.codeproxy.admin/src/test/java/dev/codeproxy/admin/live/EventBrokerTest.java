package dev.codeproxy.admin.live;

import dev.codeproxy.admin.FinishedRequests;
import dev.codeproxy.admin.api.dto.LiveDtos;
import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.usage.Usage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live channel's broker without HTTP: fan-out to every subscriber, a slow subscriber that loses
 * its oldest messages and is resynced (never a publisher that waits), in-flight tracking and the
 * counters behind {@code /observe/metrics}.
 *
 * <p>The broker's own ticker may publish a {@code stats} message at any second while a subscriber is
 * connected; the assertions below leave those out where they could interleave.
 */
@Timeout(60)
class EventBrokerTest {
    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final List<Shared.EndpointState> ENDPOINTS = List.of(
            new Shared.EndpointState(1, "primary", true, 1, "healthy", null),
            new Shared.EndpointState(2, "backup", true, 2, "open", 1_764_000_060_000L));

    /** JSON written per message body type: JSON is made once per message, whatever the number of subscribers. */
    private final ConcurrentHashMap<Class<?>, AtomicInteger> writes = new ConcurrentHashMap<>();
    private final AtomicInteger endpointReads = new AtomicInteger();
    private final Function<Object, String> writer = body -> {
        writes.computeIfAbsent(body.getClass(), k -> new AtomicInteger()).incrementAndGet();
        return JSONB.toJson(body);
    };
    private EventBroker broker;

    private EventBroker broker(int capacity) {
        broker = new EventBroker(writer, PriceTable::bundled, () -> {
            endpointReads.incrementAndGet();
            return ENDPOINTS;
        }, () -> null, capacity);
        return broker;
    }

    @AfterEach
    void close() {
        if (broker != null) {
            broker.close();
        }
    }

    /** A client that reads at once. */
    static class Recording implements Outlet {
        final BlockingQueue<String> got = new LinkedBlockingQueue<>();
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void send(String text) throws Exception {
            got.add(text);
        }

        @Override
        public void close() {
            closed.countDown();
        }

        /** The next message that is not the ticker's {@code stats}. */
        JsonObject next() throws InterruptedException {
            while (true) {
                String s = got.poll(20, TimeUnit.SECONDS);
                assertNotNull(s, "a message arrived");
                JsonObject o = json(s);
                if (!o.getString("type").equals("stats")) {
                    return o;
                }
            }
        }
    }

    /** A client that blocks in its first send until released (a paused tab, a slow network). */
    static final class Stuck extends Recording {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void send(String text) throws Exception {
            entered.countDown();
            release.await();
            super.send(text);
        }
    }

    static JsonObject json(String s) {
        try (var r = Json.createReader(new StringReader(s))) {
            return r.readObject();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 2_000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    private static ProxyEvent.RequestStarted started(long id) {
        return new ProxyEvent.RequestStarted(id, 1_764_000_000_000L + id, "POST", "/v1/messages", "claude-sonnet-4-5",
                true);
    }

    // ------------------------------------------------------------------ fan-out

    @Test
    void everySubscriberGetsASnapshotFirstThenEveryEventInOrder() throws Exception {
        EventBroker b = broker(EventBroker.QUEUE_CAPACITY);
        b.onEvent(started(1)); // before anyone listens: part of the snapshot
        Recording one = new Recording();
        Recording two = new Recording();
        b.subscribe(one);
        b.subscribe(two);
        assertEquals(2, b.clients());
        b.onEvent(started(2));
        b.onEvent(new ProxyEvent.RequestCommitted(2, "primary", 200, 1));
        b.onEvent(new ProxyEvent.RequestCompleted(FinishedRequests.ok(2, "primary", "claude-sonnet-4-5",
                new Usage(100, 20, 0, 0, 0))));
        for (Recording r : List.of(one, two)) {
            JsonObject snap = r.next();
            assertEquals("snapshot", snap.getString("type"));
            assertEquals(1, snap.getJsonArray("inFlight").size());
            assertEquals(1, snap.getJsonArray("inFlight").getJsonObject(0).getInt("id"));
            assertEquals("waiting", snap.getJsonArray("inFlight").getJsonObject(0).getString("state"));
            assertEquals(2, snap.getJsonArray("endpoints").size());
            JsonObject s = r.next();
            assertEquals("request_started", s.getString("type"));
            assertEquals(2, s.getInt("id"));
            JsonObject c = r.next();
            assertEquals("committed", c.getString("type"));
            assertEquals("primary", c.getString("endpoint"));
            JsonObject done = r.next();
            assertEquals("completed", done.getString("type"));
            assertEquals(2, done.getJsonObject("entry").getInt("id"));
            assertEquals(120, done.getJsonObject("entry").getJsonObject("tokens").getInt("total"));
            assertTrue(done.getJsonObject("entry").getBoolean("priced"));
        }
        assertEquals(1, writes.get(LiveDtos.Started.class).get(), "one JSON for both subscribers");
        assertEquals(1, writes.get(LiveDtos.Committed.class).get());
        assertEquals(1, writes.get(LiveDtos.Completed.class).get());
        assertEquals(1, b.inFlight(), "request 1 is still running; 2 completed");
    }

    @Test
    void withoutSubscribersEventsAreCountedButNoJsonIsWritten() {
        EventBroker b = broker(EventBroker.QUEUE_CAPACITY);
        b.onEvent(started(1));
        b.onEvent(new ProxyEvent.AttemptFinished(1, 1, "primary", "claude-sonnet-4-5", "http_529", 529, 80, 90, "next"));
        b.onEvent(new ProxyEvent.RequestCommitted(1, "backup", 200, 2));
        b.onEvent(new ProxyEvent.RequestCompleted(FinishedRequests.ok(1, "backup", "claude-sonnet-4-5", Usage.NONE)));
        // started, attempt_failed, failed_over, committed, completed
        assertEquals(5, b.published());
        assertTrue(writes.isEmpty(), "the proxy's threads never pay for JSON: " + writes);
        assertEquals(0, b.inFlight());
        b.endpointsChanged();
        assertEquals(5, b.published(), "an endpoint change with nobody listening is not even read");
        assertEquals(0, endpointReads.get());
    }

    @Test
    void aSuccessfulAttemptIsNotAMessage() {
        EventBroker b = broker(EventBroker.QUEUE_CAPACITY);
        b.onEvent(new ProxyEvent.AttemptFinished(1, 1, "primary", "m", "ok", 200, 80, 900, "none"));
        assertEquals(0, b.published());
        b.onEvent(new ProxyEvent.AttemptFinished(1, 1, "primary", "m", "http_500", 500, 80, 90, "same"));
        assertEquals(1, b.published(), "a retry of the same endpoint is not a failover");
    }

    @Test
    void theSnapshotFollowsEachRequestThroughItsStates() throws Exception {
        EventBroker b = broker(EventBroker.QUEUE_CAPACITY);
        b.onEvent(started(1));
        b.onEvent(started(2));
        b.onEvent(new ProxyEvent.AttemptFinished(2, 1, "primary", "m", "timeout", 0, -1, 900, "next"));
        b.onEvent(started(3));
        b.onEvent(new ProxyEvent.RequestCommitted(3, "backup", 200, 2));
        Recording r = new Recording();
        b.subscribe(r);
        JsonObject snap = r.next();
        var list = snap.getJsonArray("inFlight");
        assertEquals(3, list.size());
        assertEquals("waiting", list.getJsonObject(0).getString("state"));
        assertEquals("retrying", list.getJsonObject(1).getString("state"));
        assertEquals("primary", list.getJsonObject(1).getString("endpoint"));
        assertEquals("streaming", list.getJsonObject(2).getString("state"));
        assertEquals("backup", list.getJsonObject(2).getString("endpoint"));
        assertEquals(2, list.getJsonObject(2).getInt("attempts"));
    }

    @Test
    void aFailedAttemptThatMovesOnIsAlsoAFailover() throws Exception {
        EventBroker b = broker(EventBroker.QUEUE_CAPACITY);
        Recording r = new Recording();
        b.subscribe(r);
        r.next(); // snapshot
        b.onEvent(new ProxyEvent.AttemptFinished(7, 1, "primary", "m", "http_529", 529, 80, 90, "next"));
        JsonObject failed = r.next();
        assertEquals("attempt_failed", failed.getString("type"));
        assertEquals("http_529", failed.getString("outcome"));
        assertEquals("next", failed.getString("willRetry"));
        JsonObject over = r.next();
        assertEquals("failed_over", over.getString("type"));
        assertEquals("primary", over.getString("from"));
    }

    @Test
    void credentialsInThePathNeverReachTheDashboard() throws Exception {
        EventBroker b = broker(EventBroker.QUEUE_CAPACITY);
        Recording r = new Recording();
        b.subscribe(r);
        r.next();
        b.onEvent(new ProxyEvent.RequestStarted(1, 0, "POST", "/v1/messages;api_key=sk-ant-SECRET;x=1", "m", false));
        b.onEvent(new ProxyEvent.RequestCompleted(FinishedRequests.finished(1, "/v1/messages;token=sk-ant-SECRET", "p", "m",
                null, 200, Usage.NONE, false, 10, -1, null)));
        JsonObject s = r.next();
        assertEquals("/v1/messages;api_key=[redacted];x=1", s.getString("path"));
        JsonObject c = r.next();
        assertEquals("/v1/messages;token=[redacted]", c.getJsonObject("entry").getString("path"));
        Recording late = new Recording();
        b.onEvent(new ProxyEvent.RequestStarted(2, 0, "POST", "/v1/x;session=sk-ant-SECRET", "m", false));
        b.subscribe(late);
        assertFalse(late.next().toString().contains("SECRET"), "nor does the snapshot");
    }

    @Test
    void endpointStatesUseTheDashboardsNames() throws Exception {
        EventBroker b = broker(EventBroker.QUEUE_CAPACITY);
        Recording r = new Recording();
        b.subscribe(r);
        r.next();
        b.onEvent(new ProxyEvent.EndpointStateChanged(1, "primary", "open", 1_764_000_030_000L));
        b.onEvent(new ProxyEvent.EndpointStateChanged(1, "primary", "closed", 0));
        JsonObject open = r.next();
        assertEquals("endpoint_state", open.getString("type"));
        assertEquals("open", open.getString("state"));
        assertEquals(1_764_000_030_000L, open.getJsonNumber("until").longValue());
        JsonObject healthy = r.next();
        assertEquals("healthy", healthy.getString("state"), "the breaker's closed is shown as healthy");
        assertFalse(healthy.containsKey("until") && !healthy.isNull("until"), "no until when healthy: " + healthy);
        b.endpointsChanged();
        JsonObject list = r.next();
        assertEquals("endpoints", list.getString("type"));
        assertEquals("backup", list.getJsonArray("endpoints").getJsonObject(1).getString("name"));
    }

    // ------------------------------------------------------------------ slow subscribers

    @Test
    void aSlowSubscriberLosesItsOldestMessagesAndIsResyncedWhileOthersGetEverything() throws Exception {
        int capacity = 4;
        EventBroker b = broker(capacity);
        Recording fast = new Recording();
        Stuck slow = new Stuck();
        b.subscribe(fast);
        b.subscribe(slow);
        assertTrue(slow.entered.await(20, TimeUnit.SECONDS), "the slow client took its snapshot and is stuck");
        assertEquals("snapshot", fast.next().getString("type"));
        long before = b.published();
        int n = 50;
        for (int i = 1; i <= n; i++) {
            b.onEvent(started(i)); // returns at once although a subscriber is stuck: the test would hang otherwise
            assertEquals(i, fast.next().getInt("id"), "the fast client gets every message, in order");
        }
        long offered = b.published() - before;
        assertTrue(offered >= n);
        assertEquals(offered - capacity, b.dropped(), "all but the newest " + capacity + " were dropped, all for "
                + "the slow client");
        slow.release.countDown();
        assertEquals("snapshot", slow.next().getString("type"), "the snapshot it was sending when it stalled");
        assertEquals("resync", slow.next().getString("type"));
        JsonObject fresh = slow.next();
        assertEquals("snapshot", fresh.getString("type"), "a fresh snapshot follows the resync");
        assertEquals(n, fresh.getJsonArray("inFlight").size(), "it holds every request the client missed");
        // then what was still queued: the newest messages, in order (a stats message may be among them)
        List<Integer> tail = new ArrayList<>();
        String s;
        while ((s = slow.got.poll(1, TimeUnit.SECONDS)) != null) {
            JsonObject o = json(s);
            if (o.getString("type").equals("request_started")) {
                tail.add(o.getInt("id"));
            }
        }
        assertTrue(!tail.isEmpty() && tail.size() <= capacity, "tail " + tail);
        List<Integer> newest = new ArrayList<>();
        for (int i = n - tail.size() + 1; i <= n; i++) {
            newest.add(i);
        }
        assertEquals(newest, tail);
        assertEquals(2, b.clients(), "a slow client is resynced, not dropped");
    }

    @Test
    void aFullQueueNeverBlocksThePublisherEvenForManySubscribers() throws Exception {
        EventBroker b = broker(8);
        List<Stuck> stuck = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Stuck s = new Stuck();
            stuck.add(s);
            b.subscribe(s);
            assertTrue(s.entered.await(20, TimeUnit.SECONDS));
        }
        long before = b.published();
        for (int i = 0; i < 10_000; i++) {
            b.onEvent(started(i));
        }
        long offered = b.published() - before;
        assertEquals(20 * (offered - 8), b.dropped(), "each stuck client keeps its 8 newest");
        stuck.forEach(s -> s.release.countDown());
    }

    // ------------------------------------------------------------------ leaving

    @Test
    void aSubscriberThatEndsIsRemovedAndTheOthersCarryOn() throws Exception {
        EventBroker b = broker(EventBroker.QUEUE_CAPACITY);
        Recording stays = new Recording();
        Recording leaves = new Recording();
        b.subscribe(stays);
        Runnable end = b.subscribe(leaves);
        assertEquals(2, b.clients());
        end.run();
        await(() -> b.clients() == 1, "the ended subscriber is gone");
        b.onEvent(started(1));
        stays.next();
        assertEquals("request_started", stays.next().getString("type"));
    }

    @Test
    void aClientWhoseSendFailsIsRemoved() throws Exception {
        EventBroker b = broker(EventBroker.QUEUE_CAPACITY);
        AtomicInteger sends = new AtomicInteger();
        b.subscribe(new Outlet() {
            @Override
            public void send(String text) throws Exception {
                if (sends.incrementAndGet() > 1) {
                    throw new IOException("Broken pipe");
                }
            }

            @Override
            public void close() {
            }
        });
        Recording ok = new Recording();
        b.subscribe(ok);
        b.onEvent(started(1));
        await(() -> b.clients() == 1, "the broken client is gone");
        ok.next();
        assertEquals(1, ok.next().getInt("id"));
    }

    @Test
    void closeEndsEveryConnectionEvenAStuckOne() throws Exception {
        EventBroker b = broker(EventBroker.QUEUE_CAPACITY);
        Recording r = new Recording();
        Stuck s = new Stuck();
        b.subscribe(r);
        b.subscribe(s);
        assertTrue(s.entered.await(20, TimeUnit.SECONDS));
        b.close();
        assertTrue(r.closed.await(20, TimeUnit.SECONDS));
        assertTrue(s.closed.await(20, TimeUnit.SECONDS), "a stuck socket does not stall the stop");
        assertEquals(0, b.clients());
        s.release.countDown();
    }
}
