package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.RecordedRequest;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credentials that are on no list — {@code anthropic-api-key}, {@code api-key},
 * {@code x-goog-api-key}, a gateway token from {@code ANTHROPIC_CUSTOM_HEADERS}, {@code ?key=},
 * {@code ?access_token=}, matrix parameters, in mixed case — sent through the real server on raw
 * sockets: the upstream gets every one unchanged; no table, no byte of the database and WAL
 * files, no admin API response and no headless log line holds one; useful headers stay readable.
 */
class CredentialRedactionTest {
    static final String ADMIN = "cpa-redaction-admin-token-0123456789abcdef";
    static final String CLIENT = TestProxy.TOKEN;

    /** Values no known shape matches: only the name rule can catch them. */
    static final Map<String, String> HEADERS = new LinkedHashMap<>();
    static final Map<String, String> QUERY = new LinkedHashMap<>();

    static {
        HEADERS.put("Anthropic-Api-Key", "hdr-anthropic-api-key-5a1f0c9e77d2");
        HEADERS.put("api-key", "hdr-azure-style-api-key-93be11aa04");
        HEADERS.put("X-Goog-Api-Key", "AIzaSyD3xQ-hdrGoogleKey-0000000000001");
        HEADERS.put("X-My-Gateway-Token", "hdr-gateway-token-7c3d2e1f0a9b");
        // ANTHROPIC_CUSTOM_HEADERS="X-Custom-Secret: ...\nX-Tenant-Credential: ..."
        HEADERS.put("X-Custom-Secret", "hdr-custom-secret-41d9be27");
        HEADERS.put("x-tenant-CREDENTIAL", "hdr-tenant-credential-58af21");
        HEADERS.put("X-Amz-Security-Token", "hdr-amz-security-token-66c0ff");
        HEADERS.put("Cookie", "gw_sid=hdr-cookie-sid-9f8e7d6c");
        HEADERS.put("X-Claude-Code-Session-Id", "3f6c0b9e-1d2a-4c5b-8e7f-hdr-session-00");
        QUERY.put("key", "qry-google-style-key-2b7a9c");
        QUERY.put("Access_Token", "qry-access-token-c0ffee11");
        QUERY.put("%6Bey", "qry-encoded-name-key-77aa");
        QUERY.put("X-Amz-Signature", "qry-amz-signature-d00d");
    }

    static final String MATRIX_SECRET = "mtx-session-token-4e4e4e";

    /**
     * Values that must never be stored or shown. Claude Code's session id is not one: it is the
     * sessions' grouping key, kept in the session_id columns by design (taken from the live
     * request); its header is still stored redacted like every header the name rule matches.
     */
    static List<String> secrets() {
        List<String> all = new ArrayList<>(HEADERS.values());
        all.remove(HEADERS.get("X-Claude-Code-Session-Id"));
        all.addAll(QUERY.values());
        all.add(MATRIX_SECRET);
        all.add("hdr-cookie-sid-9f8e7d6c");
        all.add(UPSTREAM_SESSION);
        return all;
    }

    static final String UPSTREAM_SESSION = "rsp-upstream-session-ab12cd34";

    Path dataDir;
    FakeUpstream upstream;
    ProxyServer server;
    final ByteArrayOutputStream lineBytes = new ByteArrayOutputStream();
    RequestLines lines;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        dataDir = Files.createTempDirectory("code-proxy-redaction");
        upstream = FakeUpstream.start();
        upstream.setDefault(Reply.json(200, SseFixtures.jsonMessage("claude-sonnet-4-5", "ok"))
                .header("X-Upstream-Session", UPSTREAM_SESSION)
                .header("anthropic-ratelimit-input-tokens-remaining", "39000")
                .header("request-id", "req_011CredentialTest"));
        lines = new RequestLines(new PrintStream(lineBytes, true, StandardCharsets.UTF_8), RequestLines.Format.JSON,
                r -> null);
        server = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(dataDir)
                .host("127.0.0.1")
                .port(0)
                .clientToken(CLIENT)
                .listener(lines)
                .adminToken(ADMIN)
                .build());
        new EndpointRepository(server.database().client()).add(new Endpoint(0, "main", "", true, 1, 1,
                upstream.baseUrl(), TestProxy.KEY, AuthStyle.X_API_KEY, 600_000, ModelMap.EMPTY, false));
        server.config().reload();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        upstream.close();
        http.shutdownNow();
        AdminServerTest.delete(dataDir);
    }

    @Test
    void credentialsByNameAreForwardedButNeverStoredOrShown() throws Exception {
        StringBuilder query = new StringBuilder("beta=true");
        QUERY.forEach((k, v) -> query.append('&').append(k).append('=').append(v));
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        // the dashboard's live channel, listening from before the first request
        List<String> live = new CopyOnWriteArrayList<>();
        WebSocket ws = http.newWebSocketBuilder().header("authorization", "Bearer " + ADMIN)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/_/ws"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data,
                                                                          boolean last) {
                        partial.append(data);
                        if (last) {
                            live.add(partial.toString());
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).join();

        assertEquals(200, rawPost("/v1/messages?" + query, HEADERS, body));
        assertEquals(200, rawPost("/v1/messages;Session_Token=" + MATRIX_SECRET + "?beta=true", Map.of(), body));

        // forwarding is unchanged: every credential header and the query arrive as sent
        RecordedRequest first = upstream.requests().getFirst();
        HEADERS.forEach((name, value) -> assertEquals(value, first.header(name), name + " forwarded unchanged"));
        assertEquals(query.toString(), first.query());

        await(() -> {
            server.requestLog().flush();
            return server.requestLog().written() >= 2;
        });

        // the live channel said the same, without a credential
        await(() -> live.stream().filter(m -> m.contains("\"completed\"")).count() >= 2);
        ws.abort();
        String liveText = String.join("\n", live);
        for (String secret : secrets()) {
            assertFalse(liveText.contains(secret), "the live channel sent " + secret + ": " + liveText);
        }
        assertTrue(liveText.contains("\"path\":\"/v1/messages;Session_Token=[redacted]\""), liveText);

        // the admin API: list and details
        JsonObject list = json(api("/_/api/logs"));
        JsonArray entries = list.getJsonArray("entries");
        assertEquals(2, entries.size());
        JsonObject matrix = entries.getJsonObject(0);
        JsonObject withQuery = entries.getJsonObject(1);
        assertEquals("/v1/messages;Session_Token=[redacted]", matrix.getString("path"));
        assertEquals("beta=true&key=[redacted]&Access_Token=[redacted]&%6Bey=[redacted]&X-Amz-Signature=[redacted]",
                withQuery.getString("query"));
        JsonObject detail = json(api("/_/api/logs/" + withQuery.getJsonNumber("id").longValue()));
        JsonObject req = detail.getJsonObject("requestHeaders");
        for (String name : HEADERS.keySet()) {
            assertEquals(List.of("[redacted]"), strings(req.getJsonArray(name.toLowerCase(Locale.ROOT))),
                    name + " stored redacted: " + req);
        }
        assertEquals(List.of("[redacted]"), strings(req.getJsonArray("x-api-key")), "the client token");
        assertEquals(List.of("application/json"), strings(req.getJsonArray("content-type")));
        assertEquals(List.of("claude-code-20250219,interleaved-thinking-2025-05-14"),
                strings(req.getJsonArray("anthropic-beta")), "useful headers stay readable");
        JsonObject sent = detail.getJsonObject("sentHeaders");
        assertEquals(List.of("[redacted]"), strings(sent.getJsonArray("x-goog-api-key")));
        JsonObject response = detail.getJsonObject("responseHeaders");
        assertEquals(List.of("[redacted]"), strings(response.getJsonArray("x-upstream-session")));
        assertEquals(List.of("39000"), strings(response.getJsonArray("anthropic-ratelimit-input-tokens-remaining")),
                "rate-limit counts are kept");
        assertEquals(List.of("req_011CredentialTest"), strings(response.getJsonArray("request-id")));
        api("/_/api/logs/" + matrix.getJsonNumber("id").longValue());

        // every table (endpoints keep their keys by design; none of these values is one)
        List<String> found = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("code-proxy.db"));
             Statement st = c.createStatement();
             ResultSet tables = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            for (String table : names) {
                try (Statement s2 = c.createStatement(); ResultSet rs = s2.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int cols = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= cols; i++) {
                            byte[] b = rs.getBytes(i);
                            if (b != null) {
                                for (String s : secrets()) {
                                    if (indexOf(b, s.getBytes(StandardCharsets.UTF_8)) >= 0) {
                                        found.add(table + "." + rs.getMetaData().getColumnName(i) + ": " + s);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(found.isEmpty(), "credentials stored in: " + found);

        // headless log lines
        lines.flush();
        String logged = lineBytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, logged.lines().count(), logged);
        assertTrue(logged.contains("\"path\":\"/v1/messages;Session_Token=[redacted]\""), logged);

        // and the raw files, WAL included, while open and after the last checkpoint
        scanFiles("while running");
        server.close();
        server = null;
        scanFiles("after stop");
        for (String s : secrets()) {
            assertFalse(logged.contains(s), "a headless log line holds " + s);
        }
    }

    private void scanFiles(String when) throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                for (String s : secrets()) {
                    assertEquals(-1, indexOf(bytes, s.getBytes(StandardCharsets.UTF_8)),
                            f.getFileName() + " holds " + s + " " + when);
                }
            }
        }
    }

    private int rawPost(String target, Map<String, String> headers, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder("POST " + target + " HTTP/1.1\r\n");
        req.append("Host: 127.0.0.1:").append(server.port()).append("\r\n");
        req.append("X-Api-Key: ").append(CLIENT).append("\r\n");
        req.append("Content-Type: application/json\r\n");
        req.append("anthropic-version: 2023-06-01\r\n");
        req.append("Anthropic-Beta: claude-code-20250219,interleaved-thinking-2025-05-14\r\n");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        req.append("Content-Length: ").append(b.length).append("\r\nConnection: close\r\n\r\n");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().write(b);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            // the status line is enough; the body is read by the admin API afterwards
            byte[] head = in.readNBytes(12);
            return Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII));
        }
    }

    private String api(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("authorization", "Bearer " + ADMIN).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        for (String s : secrets()) {
            assertFalse(r.body().contains(s), path + " answers " + s + ": " + r.body());
        }
        return r.body();
    }

    private static JsonObject json(String s) {
        try (var r = Json.createReader(new StringReader(s))) {
            return r.readObject();
        }
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        if (a != null) {
            for (JsonValue v : a) {
                out.add(((JsonString) v).getString());
            }
        }
        return out;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not reached in 10 s");
            }
            Thread.sleep(20);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
