package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.event.Listeners;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Running it as a server: allowed hosts, health while draining, a second Ctrl-C, no endpoint, headers, ports. */
class ServeDailyUseTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private ProxyServer start(String host, List<String> allowedHosts, ProxyListener listener) throws IOException {
        Path dir = Files.createTempDirectory("code-proxy-daily");
        ProxyServer s = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(dir)
                .host(host)
                .port(0)
                .clientToken(TestProxy.TOKEN)
                .listener(listener)
                .allowedHosts(allowedHosts)
                .build());
        open.add(s);
        return s;
    }

    /** A raw request (HttpClient will not send a foreign Host); status line and head only. */
    static String rawHead(int port, String method, String path, String host, String... headers) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            req.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            return response(s.getInputStream());
        }
    }

    /** Head and (Content-Length) body. */
    static String response(InputStream in) throws IOException {
        String head = head(in);
        var len = Pattern.compile("(?im)^content-length: *(\\d+)").matcher(head);
        return len.find() ? head + new String(in.readNBytes(Integer.parseInt(len.group(1))), StandardCharsets.UTF_8) : head;
    }

    /** The status line and headers, up to the empty line. */
    static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            String t = b.toString(StandardCharsets.UTF_8);
            if (t.endsWith("\r\n\r\n")) {
                break;
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    @Test
    void allowedHostsFromTheCommandLineAreAccepted() throws Exception {
        ProxyServer s = start("127.0.0.1", List.of("proxy.example.com", "10.1.2.3"), ProxyListener.NONE);
        assertEquals(204, status(rawHead(s.port(), "GET", "/observe/health", "proxy.example.com:9000")));
        assertEquals(204, status(rawHead(s.port(), "GET", "/observe/health", "PROXY.example.com")));
        assertEquals(204, status(rawHead(s.port(), "GET", "/observe/health", "10.1.2.3:9000")));
        String refused = rawHead(s.port(), "GET", "/observe/health", "other.example.com");
        assertEquals(403, status(refused));
        assertTrue(refused.contains("--allowed-hosts"), "the refusal names the flag: " + refused);
    }

    @Test
    void theMachinesOwnAddressesAreAcceptedWhenBoundBeyondLoopback() throws Exception {
        String own = null;
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (ni.isUp() && a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    own = a.getHostAddress();
                }
            }
        }
        assumeTrue(own != null, "this machine has a non-loopback IPv4 address");
        ProxyServer wide = start("0.0.0.0", List.of(), ProxyListener.NONE);
        assertEquals(204, status(rawHead(wide.port(), "GET", "/observe/health", own + ":" + wide.port())));
        assertEquals(403, status(rawHead(wide.port(), "GET", "/observe/health", "203.0.113.99")), "not an own address");
        ProxyServer local = start("127.0.0.1", List.of(), ProxyListener.NONE);
        assertEquals(403, status(rawHead(local.port(), "GET", "/observe/health", own)),
                "bound to loopback, the machine's other addresses are not names of the proxy");
    }

    @Test
    void healthAnswers503FromTheMomentShutdownStarts() throws Exception {
        try (FakeUpstream up = FakeUpstream.start(); TestProxy proxy = TestProxy.start()) {
            proxy.addEndpoint("main", up.baseUrl());
            assertEquals(204, proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/observe/health")))
                    .build()).statusCode());
            CountDownLatch gate = new CountDownLatch(1);
            up.enqueue(Reply.sse(SseFixtures.message("claude-sonnet-4-5", 3)).pauseBeforeEvent(3, gate));
            HttpResponse<InputStream> stream = proxy.http.send(proxy.request("/v1/messages")
                    .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.minimal("claude-sonnet-4-5", true)))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> proxy.server.shutdown(Duration.ofSeconds(20)));
            int health = 0;
            long end = System.nanoTime() + 5_000_000_000L;
            while (health != 503 && System.nanoTime() < end) {
                health = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/observe/health"))).build())
                        .statusCode();
            }
            assertEquals(503, health, "draining shows in health while the listener still answers");
            assertFalse(stopping.isDone(), "the stream in flight still runs");
            gate.countDown();
            stream.body().readAllBytes();
            stopping.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSecondCtrlCEndsOpenStreamsWithAnErrorEventAndTheyAreLogged() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (FakeUpstream up = FakeUpstream.start()) {
            TestProxy proxy = TestProxy.start();
            Path db = proxy.dataDir.resolve("code-proxy.db");
            try {
                proxy.addEndpoint("main", up.baseUrl());
                up.enqueue(Reply.sse(SseFixtures.message("claude-sonnet-4-5", 3)).pauseBeforeEvent(3, never));
                HttpResponse<InputStream> stream = proxy.http.send(proxy.request("/v1/messages")
                        .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.minimal("claude-sonnet-4-5", true)))
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, stream.statusCode());
                // the first Ctrl-C: a long grace; the second: stop now
                CompletableFuture<Void> first = CompletableFuture.runAsync(() -> proxy.server.shutdown(Duration.ofMinutes(5)));
                Thread.sleep(200);
                assertFalse(first.isDone());
                proxy.server.emergencyStop();
                // bounded: without the fix the stream would stay open until the process is halted
                String body = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new String(stream.body().readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        return "read failed: " + e;
                    }
                }).get(15, TimeUnit.SECONDS);
                assertTrue(body.endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                        + "\"message\":\"Code Proxy is shutting down; stream ended\"}}\n\n"), body);
                first.get(10, TimeUnit.SECONDS);
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                     Statement st = c.createStatement();
                     var rs = st.executeQuery("SELECT count(*), max(status), max(endpoint) FROM requests")) {
                    rs.next();
                    assertEquals(1, rs.getLong(1), "the cut stream has its log row");
                    assertEquals(200, rs.getInt(2));
                    assertEquals("main", rs.getString(3));
                }
            } finally {
                never.countDown();
                proxy.close();
            }
        }
    }

    @Test
    void withNoEnabledEndpointRequestsGetAClearErrorClientsDoNotRetry() throws Exception {
        try (FakeUpstream up = FakeUpstream.start(); TestProxy proxy = TestProxy.start()) {
            HttpResponse<byte[]> r = proxy.post("/v1/messages", ClaudeCodeBodies.minimal("claude-sonnet-4-5", false));
            assertEquals(403, r.statusCode());
            assertEquals("false", r.headers().firstValue("x-should-retry").orElse(null));
            String body = new String(r.body(), StandardCharsets.UTF_8);
            assertTrue(body.startsWith("{\"type\":\"error\",\"error\":{\"type\":\"permission_error\",\"message\":\"Code Proxy "
                    + "has no enabled endpoint"), body);
            // nothing about the configuration for clients without a valid token
            HttpResponse<byte[]> noToken = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/v1/messages")))
                    .header("x-api-key", "cp-wrong").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            assertEquals(401, noToken.statusCode());
            var e = proxy.addEndpoint("main", up.baseUrl());
            new EndpointRepository(proxy.server.database().client()).setEnabled(e.id(), false);
            proxy.server.config().reload();
            assertEquals(403, proxy.post("/v1/messages", "{}").statusCode(), "a disabled endpoint is not usable");
            new EndpointRepository(proxy.server.database().client()).setEnabled(e.id(), true);
            proxy.server.config().reload();
            up.enqueue(Reply.json(200, "{\"type\":\"message\"}"));
            assertEquals(200, proxy.post("/v1/messages", ClaudeCodeBodies.minimal("claude-sonnet-4-5", false)).statusCode());
        }
    }

    @Test
    void dateHeadersHaveTwoDigitDays() throws Exception {
        Clock fourth = Clock.fixed(Instant.parse("2026-12-04T09:05:07Z"), ZoneOffset.UTC);
        assertEquals("Fri, 04 Dec 2026 09:05:07 GMT", new HttpDate(fourth).now());
        ProxyServer s = start("127.0.0.1", List.of(), ProxyListener.NONE);
        for (String path : new String[] {"/observe/health", "/v1/messages", "/nowhere", "/"}) {
            String head = rawHead(s.port(), "GET", path, "localhost");
            String date = head.lines().filter(l -> l.regionMatches(true, 0, "date:", 0, 5)).findFirst().orElseThrow();
            assertTrue(date.substring(5).strip().matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"),
                    path + ": " + date);
        }
    }

    @Test
    void aPortInUseIsOneClearLineWithoutSevereLogLines() throws Exception {
        List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("").addHandler(h);
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("127.0.0.1", 0));
            Path dir = Files.createTempDirectory("code-proxy-busy");
            var r = CliErrorsTest.run(Map.of(), "serve", "--headless", "--no-claude-config", "--host", "127.0.0.1",
                    "--port", Integer.toString(busy.getLocalPort()), "--data-dir", dir.toString());
            assertEquals(1, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + busy.getLocalPort() + ": the port is in use"), r.err());
            assertTrue(records.isEmpty(), "no SEVERE log lines: " + records.stream().map(LogRecord::getMessage).toList());
        } finally {
            Logger.getLogger("").removeHandler(h);
        }
    }

    @Test
    void clientSuppliedTextCannotForgeHeadlessLogLines() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        RequestLines lines = new RequestLines(new PrintStream(buf, true, StandardCharsets.UTF_8),
                RequestLines.Format.TEXT, r -> null);
        ByteArrayOutputStream jsonBuf = new ByteArrayOutputStream();
        RequestLines json = new RequestLines(new PrintStream(jsonBuf, true, StandardCharsets.UTF_8),
                RequestLines.Format.JSON, r -> null);
        try (FakeUpstream up = FakeUpstream.start()) {
            ProxyServer s = start("127.0.0.1", List.of(), Listeners.of(lines, json));
            new EndpointRepository(s.database().client()).add(new Endpoint(0, "main",
                    "", true, 1, 1, up.baseUrl(), TestProxy.KEY, AuthStyle.X_API_KEY, 600_000,
                    ModelMap.EMPTY, false));
            s.config().reload();
            up.setDefault(Reply.json(200, "{\"type\":\"message\"}"));
            // a model with a newline, a forged line, ANSI escapes, a bidi override and a line separator
            String model = "m\\n2026-01-01T00:00:00.000Z GET /v1/models forged - 200 ttft=- 1ms\\u001b[2J\\u202e\\u2028x";
            String body = "{\"model\":\"" + model + "\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            try (Socket sock = new Socket("127.0.0.1", s.port())) {
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                sock.getOutputStream().write(("POST /v1/messages%0a%1b%5b31mred HTTP/1.1\r\nHost: localhost\r\nx-api-key: "
                        + TestProxy.TOKEN + "\r\ncontent-type: application/json\r\nContent-Length: " + b.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                sock.getOutputStream().write(b);
                sock.setSoTimeout(10_000);
                String response = response(sock.getInputStream());
                assertEquals(200, status(response), response);
            }
            long end = System.nanoTime() + 5_000_000_000L;
            while ((buf.size() == 0 || jsonBuf.size() == 0) && System.nanoTime() < end) {
                Thread.sleep(10);
            }
        }
        for (String out : new String[] {buf.toString(StandardCharsets.UTF_8), jsonBuf.toString(StandardCharsets.UTF_8)}) {
            assertEquals(1, out.lines().count(), "one request, one line: " + out);
            assertFalse(out.chars().anyMatch(c -> c == 0x1b || c == 0x2028 || c == 0x202e || c == '\r'),
                    "no raw control, separator or bidi characters: " + out);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("m\\x0a2026-01-01T00:00:00.000Z\\x20GET"), text);
        assertTrue(text.contains("\\x1b[2J\\u202e\\u2028x"), text);
        assertTrue(text.contains(" POST /v1/messages"), text);
        String j = jsonBuf.toString(StandardCharsets.UTF_8);
        assertTrue(j.contains("\\u001b[2J\\u202e\\u2028x"), j);
    }
}
