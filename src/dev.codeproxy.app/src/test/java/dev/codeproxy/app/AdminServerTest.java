package dev.codeproxy.app;

import dev.codeproxy.testkit.FakeUpstream;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Base of the admin API tests: a real server (port 0, fresh data directory, real SQLite) with a
 * fixed admin token, a fake upstream, and clients that keep every response body they receive.
 * After each test no body may contain a key or token in full, except the responses a test
 * declared to carry one on purpose (the one-time token creation, an export with secrets).
 */
abstract class AdminServerTest {
    static final String ADMIN = "cpa-test-admin-token-0123456789abcdef0123";
    static final String CLIENT = TestProxy.TOKEN;
    static final String KEY = TestProxy.KEY;

    Path dataDir;
    Path claudeDir;
    ProxyServer server;
    FakeUpstream upstream;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    /** Every response body seen, with whether it may carry a secret. */
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** Secrets that must not appear in responses (more are added by tests, e.g. created tokens). */
    final List<String> secrets = new CopyOnWriteArrayList<>(List.of(ADMIN, CLIENT, KEY));

    private record Seen(String what, String body, boolean secretAllowed) {
    }

    /** A response: status, body text, headers. */
    record Resp(int status, String body, Map<String, List<String>> headers) {
        JsonObject json() {
            return AdminServerTest.json(body);
        }

        String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().getFirst();
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** Settings stored before the server starts; subclasses add to them. */
    Map<String, String> settings() {
        return Map.of("claudeConfig", "false");
    }

    /** The listen host of the server under test. */
    String host() {
        return "127.0.0.1";
    }

    @BeforeEach
    void startServer() throws IOException {
        dataDir = Files.createTempDirectory("code-proxy-admin");
        claudeDir = Files.createTempDirectory("code-proxy-claude");
        try (Store s = new Store(dataDir)) {
            s.settings.putAll(settings());
        }
        upstream = FakeUpstream.start();
        server = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(dataDir)
                .host(host())
                .port(0)
                .clientToken(CLIENT)
                .claudeConfigDir(claudeDir)
                .adminToken(ADMIN)
                .build());
    }

    @AfterEach
    void stopServer() {
        try {
            if (server != null) {
                server.close();
            }
            upstream.close();
            http.shutdownNow();
        } finally {
            delete(dataDir);
            delete(claudeDir);
        }
        for (Seen s : seen) {
            if (s.secretAllowed()) {
                continue;
            }
            for (String secret : secrets) {
                assertFalse(s.body().contains(secret), "a response of " + s.what() + " contains a secret in full: "
                        + s.body());
            }
        }
    }

    static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp files; best effort
        }
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    // ------------------------------------------------------------------ HTTP

    HttpRequest.Builder request(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return b;
    }

    Resp send(HttpRequest r) {
        return send(r, false);
    }

    Resp send(HttpRequest r, boolean secretAllowed) {
        try {
            HttpResponse<byte[]> res = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
            String body = new String(res.body(), StandardCharsets.UTF_8);
            seen.add(new Seen(r.method() + " " + r.uri().getPath(), body, secretAllowed));
            return new Resp(res.statusCode(), body, res.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An admin API call with the bearer token. */
    Resp api(String method, String path, String body) {
        return send(request(method, path, body).header("authorization", "Bearer " + ADMIN).build());
    }

    Resp get(String path) {
        return api("GET", path, null);
    }

    /** A proxied Messages call with the client token. */
    Resp proxy(String body) {
        return send(HttpRequest.newBuilder(URI.create(base() + "/v1/messages")).timeout(Duration.ofSeconds(30))
                .header("x-api-key", CLIENT).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static final String MESSAGE = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM_MESSAGE = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** Adds an endpoint through the API and returns its id. */
    long addEndpoint(String name, String baseUrl) {
        Resp r = api("POST", "/_/api/endpoints", "{\"name\":\"" + name + "\",\"baseUrl\":\"" + baseUrl
                + "\",\"apiKey\":\"" + KEY + "\"}");
        assertEquals(201, r.status(), r.body());
        return r.json().getJsonNumber("id").longValue();
    }

    /** Waits until the request log has written {@code n} requests (a request is logged just after its response). */
    void logged(long n) {
        await(n + " requests in the log", () -> {
            server.requestLog().flush();
            return server.requestLog().written() >= n;
        });
    }

    /** Logs in through a single-use login link; returns the cookie pair {@code name=value}. */
    String login() {
        String link = server.loginUrl();
        Resp r = send(request("GET", link.substring(link.indexOf("/_/login")), null).build());
        assertEquals(303, r.status(), r.body());
        String setCookie = r.header("set-cookie");
        assertTrue(setCookie != null && setCookie.startsWith("cp_session="), "cookie set: " + setCookie);
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    // ------------------------------------------------------------------ raw sockets

    /** A raw HTTP/1.1 exchange (java.net.http will not send a foreign Host); the whole response as text. */
    Resp raw(String method, String path, Map<String, String> headers) {
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        req.append("Connection: close\r\n\r\n");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, List<String>> h = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                if (c > 0) {
                    h.computeIfAbsent(lines[i].substring(0, c).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(lines[i].substring(c + 1).strip());
                }
            }
            String body;
            if (h.containsKey("content-length")) {
                body = new String(in.readNBytes(Integer.parseInt(h.get("content-length").getFirst())), StandardCharsets.UTF_8);
            } else if (h.containsKey("transfer-encoding")) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                while (true) {
                    int n = Integer.parseInt(readLine(in).strip(), 16);
                    if (n == 0) {
                        break;
                    }
                    b.write(in.readNBytes(n));
                    readLine(in);
                }
                body = b.toString(StandardCharsets.UTF_8);
            } else {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            seen.add(new Seen("raw " + method + " " + path, head + body, false));
            return new Resp(status, body, h);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads up to and including the blank line after the headers; returns the head without it. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : c == '\r' ? 1 : 0;
        }
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r\n\r\n") ? s.substring(0, s.length() - 4) : s;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** A WebSocket opened by hand: the upgrade is sent, the 101 read, and then nothing is read until asked. */
    final class RawSocket implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final int status;
        final String head;

        RawSocket(Map<String, String> headers, int receiveBuffer) throws IOException {
            socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            socket.setSoTimeout(30_000);
            StringBuilder req = new StringBuilder("GET /_/ws HTTP/1.1\r\n");
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Host", "127.0.0.1:" + server.port());
            h.put("Upgrade", "websocket");
            h.put("Connection", "Upgrade");
            h.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
            h.put("Sec-WebSocket-Version", "13");
            h.putAll(headers);
            h.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            in = socket.getInputStream();
            // byte by byte up to the blank line: what follows are frames
            head = readHead(in);
            seen.add(new Seen("raw upgrade", head, false));
            String[] first = head.split("\r\n")[0].split(" ");
            status = first.length > 1 ? Integer.parseInt(first[1]) : -1;
        }

        /** The next text frame's payload (control frames are skipped). */
        String nextText() throws IOException {
            while (true) {
                int b0 = read();
                int b1 = read();
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = (read() << 8) | read();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | read();
                    }
                }
                byte[] payload = in.readNBytes((int) len);
                if (payload.length < len) {
                    throw new IOException("socket closed inside a frame");
                }
                int op = b0 & 0x0f;
                if (op == 1) {
                    String text = new String(payload, StandardCharsets.UTF_8);
                    seen.add(new Seen("websocket message", text, false));
                    return text;
                }
                if (op == 8) {
                    throw new IOException("closed by the server");
                }
            }
        }

        private int read() throws IOException {
            int c = in.read();
            if (c < 0) {
                throw new IOException("socket closed");
            }
            return c;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    // ------------------------------------------------------------------ JSON

    static JsonObject json(String s) {
        try (var r = Json.createReader(new StringReader(s))) {
            JsonValue v = r.readValue();
            if (v instanceof JsonObject o) {
                return o;
            }
            fail("not a JSON object: " + s);
            return null;
        }
    }

    static JsonArray array(JsonObject o, String key) {
        return o.getJsonArray(key);
    }

    /** Waits until {@code condition} holds (bounded), failing with {@code what}. */
    static void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
