package dev.codeproxy.app;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Moving the one listener while it serves, on real Helidon listeners bound to loopback. */
class MovableListenerTest {
    private final List<String> told = new CopyOnWriteArrayList<>();
    private final AtomicInteger moves = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private MovableListener listener;

    private MovableListener listener() {
        listener = new MovableListener((host, port) -> WebServer.builder()
                .host(host)
                .port(port)
                .shutdownHook(false)
                .routing(r -> r.get("/", (req, res) -> res.send("served")))
                .build(), (host, port, url) -> told.add(host + " " + port + " " + url), moves::incrementAndGet);
        return listener;
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.stop();
        }
        http.close();
    }

    private String get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** Whether anything still accepts connections at url (the old listener stops on a thread of its own). */
    private boolean refusesSoon(String url) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try {
                get(url);
            } catch (ConnectException e) {
                return true;
            } catch (IOException e) {
                // closing: try again
            }
            Thread.sleep(25);
        }
        return false;
    }

    @Test
    void startTellsWhereItListens() throws Exception {
        MovableListener l = listener();
        l.start("127.0.0.1", 0);
        assertTrue(l.port() > 0);
        assertEquals("http://127.0.0.1:" + l.port(), l.url());
        assertEquals(l.url(), l.boundUrl());
        assertEquals("127.0.0.1", l.host());
        assertTrue(l.loopback());
        assertEquals(List.of("127.0.0.1 " + l.port() + " " + l.url()), told);
        assertEquals("served", get(l.url()));
        assertEquals(0, moves.get(), "starting is not a move");
    }

    @Test
    void aWildcardBindIsReachedOnLoopback() {
        MovableListener l = listener();
        l.start("0.0.0.0", 0);
        assertEquals("http://127.0.0.1:" + l.port(), l.url());
        assertEquals("http://0.0.0.0:" + l.port(), l.boundUrl());
        assertFalse(l.loopback());
    }

    @Test
    void aMoveStartsTheNewListenerBesideTheOldAndTakesOverOnActivation() throws Exception {
        MovableListener l = listener();
        l.start("127.0.0.1", 0);
        String before = l.url();

        var next = l.prepare("127.0.0.1", 0);
        assertNotEquals(before, next.url());
        assertEquals("served", get(next.url()), "the new listener serves before it takes over");
        assertEquals(before, l.url(), "nothing changes for clients until activation");
        assertEquals(0, moves.get());

        Runnable stopOld = next.activate();
        assertEquals(next.url(), l.url());
        assertEquals(1, moves.get(), "told after the move (Claude Code follows)");
        assertEquals(2, told.size());
        assertTrue(told.get(1).endsWith(" " + next.url()), told.toString());
        assertEquals("served", get(before), "the old listener still finishes the response that reported the move");

        stopOld.run();
        assertTrue(refusesSoon(before), "the old listener stops");
        assertEquals("served", get(l.url()));
    }

    @Test
    void aPortInUseIsNamedAndTheOldListenerKeepsServing() throws Exception {
        MovableListener l = listener();
        l.start("127.0.0.1", 0);
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var e = assertThrows(IllegalStateException.class, () -> l.prepare("127.0.0.1", taken.getLocalPort()));
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": the port is in use (another Code Proxy? see --port or CODE_PROXY_PORT)", e.getMessage());
        }
        assertEquals("served", get(l.url()));
        assertEquals(1, told.size());
    }

    @Test
    void anAddressNotOnThisMachineIsNamed() {
        MovableListener l = listener();
        // TEST-NET-1 (RFC 5737): never assigned to a local interface
        var e = assertThrows(IllegalStateException.class, () -> l.start("192.0.2.1", 9));
        assertTrue(e.getMessage().startsWith("cannot listen on 192.0.2.1:9: the address is not available on this machine"),
                e.getMessage());
    }

    @Test
    void anAbortedMoveStopsTheNewListenerOnly() throws Exception {
        MovableListener l = listener();
        l.start("127.0.0.1", 0);
        var next = l.prepare("127.0.0.1", 0);
        String nextUrl = next.url();
        next.abort();
        assertTrue(refusesSoon(nextUrl));
        assertEquals("served", get(l.url()));
        assertEquals(0, moves.get());
    }

    @Test
    void afterStopNoMoveStartsAndAPendingOneDoesNotOutliveIt() throws Exception {
        MovableListener l = listener();
        l.start("127.0.0.1", 0);
        String url = l.url();
        var pending = l.prepare("127.0.0.1", 0);
        String pendingUrl = pending.url();

        l.stop();
        assertTrue(refusesSoon(url));
        var e = assertThrows(IllegalStateException.class, () -> l.prepare("127.0.0.1", 0));
        assertEquals("the server is stopping", e.getMessage());

        pending.activate().run();
        assertTrue(refusesSoon(pendingUrl), "a move activated after the stop does not keep a listener running");
        assertNotEquals(pendingUrl, l.url(), "the stopped listener stays the server's");
        assertEquals(1, told.size());
        assertEquals(0, moves.get());
        l.stop();
    }
}
