package dev.codeproxy.app;

import dev.codeproxy.admin.ControlPlane;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The live channel /_/ws: who may open it, what it says, and that a slow reader never slows the proxy. */
class AdminWebSocketTest extends AdminServerTest {

    /** A java.net.http WebSocket collecting whole text messages. */
    final class Client implements AutoCloseable {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final List<String> all = new CopyOnWriteArrayList<>();
        final WebSocket ws;

        Client(Consumer<WebSocket.Builder> headers) {
            WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
            headers.accept(b);
            ws = b.buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/_/ws"), new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        messages.add(partial.toString());
                        all.add(partial.toString());
                        partial.setLength(0);
                    }
                    w.request(1);
                    return null;
                }
            }).join();
        }

        /** Messages received but not yet asked for. */
        private final List<String> pending = new ArrayList<>();

        /**
         * The oldest message of a type not yet returned, waiting up to 15 s. Messages of other types
         * stay pending, so the order between types does not matter.
         */
        JsonObject next(String type) throws InterruptedException {
            for (int i = 0; i < pending.size(); i++) {
                JsonObject o = json(pending.get(i));
                if (o.getString("type").equals(type)) {
                    pending.remove(i);
                    return o;
                }
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < end) {
                String m = messages.poll(200, TimeUnit.MILLISECONDS);
                if (m == null) {
                    continue;
                }
                for (String s : secrets) {
                    assertTrue(!m.contains(s), "a live message contains a secret: " + m);
                }
                JsonObject o = json(m);
                if (o.getString("type").equals(type)) {
                    return o;
                }
                pending.add(m);
            }
            fail("no '" + type + "' message; received: " + all);
            return null;
        }

        @Override
        public void close() {
            ws.abort();
        }
    }

    /** The status of a refused handshake. */
    int refused(Consumer<WebSocket.Builder> headers) {
        try {
            new Client(headers).close();
            fail("the upgrade was accepted");
            return -1;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    @Test
    void authMatrix() throws Exception {
        assertEquals(401, refused(b -> { }));
        assertEquals(401, refused(b -> b.header("authorization", "Bearer cpa-wrong")));
        try (Client c = new Client(b -> b.header("authorization", "Bearer " + ADMIN))) {
            JsonObject snap = c.next("snapshot");
            assertNotNull(snap.getJsonArray("inFlight"));
            assertNotNull(snap.getJsonArray("endpoints"));
            assertNotNull(snap.getJsonObject("today"));
        }
        String cookie = login();
        try (Client c = new Client(b -> b.header("cookie", cookie).header("origin", base()))) {
            assertEquals("snapshot", c.next("snapshot").getString("type"));
        }
        assertEquals(403, refused(b -> b.header("cookie", cookie)), "a cookie needs the Origin of this server");
        int cross = refused(b -> b.header("cookie", cookie).header("origin", "http://evil.example"));
        assertTrue(cross == 403, "cross-origin upgrade refused: " + cross);
        int crossBearer = refused(b -> b.header("authorization", "Bearer " + ADMIN).header("origin", "http://evil.example"));
        assertTrue(crossBearer == 403, "cross-origin upgrade refused: " + crossBearer);
    }

    @Test
    void foreignHostUpgradeIsRefused() throws IOException {
        try (RawSocket s = new RawSocket(Map.of("Host", "evil.example:" + server.port(), "Authorization",
                "Bearer " + ADMIN), 0)) {
            assertEquals(403, s.status, s.head);
        }
        try (RawSocket s = new RawSocket(Map.of("Authorization", "Bearer " + ADMIN), 0)) {
            assertEquals(101, s.status, s.head);
            assertEquals("snapshot", json(s.nextText()).getString("type"));
        }
    }

    @Test
    void requestLifecycleAndEndpointStatesAreStreamed() throws Exception {
        long id = addEndpoint("main", upstream.baseUrl());
        try (Client c = new Client(b -> b.header("authorization", "Bearer " + ADMIN))) {
            JsonObject snap = c.next("snapshot");
            assertEquals("main", snap.getJsonArray("endpoints").getJsonObject(0).getString("name"));
            assertEquals("healthy", snap.getJsonArray("endpoints").getJsonObject(0).getString("state"));

            upstream.enqueue(Reply.sse(SseFixtures.message("claude-sonnet-4-5", 3)));
            assertEquals(200, proxy(STREAM_MESSAGE).status());
            JsonObject started = c.next("request_started");
            assertEquals("/v1/messages", started.getString("path"));
            assertTrue(started.getBoolean("stream"));
            JsonObject committed = c.next("committed");
            assertEquals("main", committed.getString("endpoint"));
            JsonObject done = c.next("completed").getJsonObject("entry");
            assertEquals(started.getJsonNumber("id").longValue(), done.getJsonNumber("id").longValue());
            assertEquals(200, done.getInt("status"));
            assertEquals("success", done.getString("outcome"));
            assertEquals(25, done.getJsonObject("tokens").getInt("input"));
            assertEquals(3, done.getJsonObject("tokens").getInt("output"));
            assertTrue(done.getBoolean("priced"));
            assertTrue(done.getJsonNumber("costMicros").longValue() > 0);
            assertTrue(done.getJsonNumber("firstTokenMs").longValue() >= 0);
            JsonObject stats = c.next("stats");
            assertTrue(stats.getJsonObject("today").getJsonNumber("requests").longValue() >= 0);

            // an upstream refusing the key: attempt_failed, the endpoint's state, then a reset by hand
            upstream.enqueue(Reply.error(401, "authentication_error", "invalid x-api-key"));
            proxy(MESSAGE);
            JsonObject failed = c.next("attempt_failed");
            assertEquals("http_401", failed.getString("outcome"));
            JsonObject state = c.next("endpoint_state");
            assertEquals("auth_failed", state.getString("state"));
            assertTrue(state.getJsonNumber("until").longValue() > System.currentTimeMillis());
            assertEquals(200, api("POST", "/_/api/endpoints/" + id + "/reset", null).status());
            assertEquals("healthy", c.next("endpoint_state").getString("state"));

            assertEquals(200, api("POST", "/_/api/endpoints/" + id + "/disable", null).status());
            JsonObject eps = c.next("endpoints");
            assertEquals("disabled", eps.getJsonArray("endpoints").getJsonObject(0).getString("state"));
        }
    }

    @Test
    void failoverIsAnnounced() throws Exception {
        var second = FakeUpstream.start();
        try {
            addEndpoint("first", upstream.baseUrl());
            addEndpoint("second", second.baseUrl());
            try (Client c = new Client(b -> b.header("authorization", "Bearer " + ADMIN))) {
                c.next("snapshot");
                upstream.enqueue(Reply.error(529, "overloaded_error", "Overloaded"),
                        Reply.error(529, "overloaded_error", "Overloaded"));
                assertEquals(200, proxy(MESSAGE).status());
                JsonObject over = c.next("failed_over");
                assertEquals("first", over.getString("from"));
                JsonObject done = c.next("completed").getJsonObject("entry");
                assertEquals("failed_over", done.getString("outcome"));
                assertEquals("second", done.getString("endpoint"));
            }
        } finally {
            second.close();
        }
    }

    /**
     * A client that stops reading (a paused tab): its queue overflows, the proxy never waits, and when
     * it reads again it is told to resync and gets a fresh snapshot.
     */
    @Test
    void aPausedConsumerGetsResyncAndTheProxyNeverWaits() throws Exception {
        addEndpoint("main", upstream.baseUrl());
        upstream.setDefault(Reply.json(200, SseFixtures.jsonMessage("claude-sonnet-4-5", "ok")));
        ControlPlane broker = server.controlPlane();
        // a small receive window so that the kernel buffers fill quickly; then this socket is never read
        try (RawSocket paused = new RawSocket(Map.of("Authorization", "Bearer " + ADMIN), 4096)) {
            assertEquals(101, paused.status, paused.head);
            await("the paused client to subscribe", () -> broker.liveClients() == 1);
            long before = broker.livePublished();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Integer> statuses = new ArrayList<>();
            try {
                int sent = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                // until the broker had to drop for this client and at least 1,000 events were published
                while ((broker.liveDropped() == 0 || broker.livePublished() - before < 1_000) && sent < 20_000
                        && System.nanoTime() < deadline) {
                    List<Future<Integer>> batch = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        batch.add(pool.submit(() -> proxyQuietly()));
                    }
                    for (Future<Integer> f : batch) {
                        statuses.add(f.get(30, TimeUnit.SECONDS));
                    }
                    sent += batch.size();
                }
            } finally {
                pool.shutdownNow();
            }
            assertTrue(broker.liveDropped() > 0, "the slow client's oldest events were dropped");
            assertTrue(broker.livePublished() - before >= 1_000, "1,000+ events while paused: " + (broker.livePublished() - before));
            assertTrue(statuses.stream().allMatch(s -> s == 200), "every proxied request completed normally");

            // reading again: old events first, then resync and a fresh snapshot
            boolean resync = false;
            String after = null;
            for (int i = 0; i < 200_000 && !resync; i++) {
                String m = paused.nextText();
                if (m.equals("{\"type\":\"resync\"}")) {
                    resync = true;
                    after = paused.nextText();
                }
            }
            assertTrue(resync, "resync received");
            assertEquals("snapshot", json(after).getString("type"));
        }
        // the proxy and a new client work normally
        assertEquals(200, proxy(MESSAGE).status());
        try (Client c = new Client(b -> b.header("authorization", "Bearer " + ADMIN))) {
            c.next("snapshot");
        }
    }

    private int proxyQuietly() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/messages"))
                            .timeout(Duration.ofSeconds(30)).header("x-api-key", CLIENT)
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(MESSAGE)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -2;
        }
    }
}
