package dev.codeproxy.app;

import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin surface as an attacker on the same machine spells it: every protected path (API,
 * export with secrets, import, the live channel, login, metrics) in a generated table of
 * spellings — each character percent-encoded, matrix parameters on each segment, dot segments,
 * doubled slashes, absolute-form targets, case variants — sent over raw sockets so that no client
 * normalizes them first. Nothing may open, and nothing stored may change. The server listens
 * beyond loopback so that metrics are protected too.
 */
class AdminPathSpellingsTest extends AdminServerTest {
    private static final Set<Integer> REFUSED = Set.of(400, 401, 403, 404, 405, 415);

    @Override
    String host() {
        return "0.0.0.0";
    }

    /** Spellings of {@code path} (no query) that a lenient router could take for it. */
    List<String> spellings(String path) {
        Set<String> out = new LinkedHashSet<>();
        // each character percent-encoded, upper and lower case hex
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            String hex = String.format("%02X", (int) c);
            out.add(path.substring(0, i) + "%" + hex + path.substring(i + 1));
            out.add(path.substring(0, i) + "%" + hex.toLowerCase(Locale.ROOT) + path.substring(i + 1));
        }
        // matrix parameters on each segment, dot segments and doubled slashes at each slash
        String[] seg = path.substring(1).split("/");
        for (int i = 0; i < seg.length; i++) {
            out.add(join(seg, i, seg[i] + ";"));
            out.add(join(seg, i, seg[i] + ";jsessionid=1"));
            out.add(join(seg, i, "x/../" + seg[i]));
            out.add(join(seg, i, "./" + seg[i]));
            out.add(join(seg, i, "/" + seg[i]));
            out.add(join(seg, i, "%2e/" + seg[i]));
            out.add(join(seg, i, "x/%2E%2E/" + seg[i]));
            out.add(join(seg, i, "x/..%2F" + seg[i]));
            out.add(join(seg, i, seg[i].toUpperCase(Locale.ROOT)));
        }
        out.add("/v1/.." + path);
        out.add("/v1/%2e%2e" + path);
        out.add(path + "/.");
        out.add(path + "/");
        out.add(path + "%00");
        out.add(path + "%");
        out.add("http://127.0.0.1:" + server.port() + path);
        out.add("HTTP://localhost:" + server.port() + path);
        out.add("http://evil.example" + path);
        out.remove(path);
        return new ArrayList<>(out);
    }

    private static String join(String[] seg, int at, String replacement) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < seg.length; i++) {
            b.append('/').append(i == at ? replacement : seg[i]);
        }
        return b.toString();
    }

    @Test
    void noSpellingOfAnAdminPathOpensWithoutCredentials() {
        upstream.enqueue(Reply.json(200, SseFixtures.jsonMessage("claude-sonnet-4-5", "hi")));
        addEndpoint("main", upstream.baseUrl());
        int tried = 0;
        for (String target : List.of("/_/api/status", "/_/api/export", "/_/api/settings", "/_/api/endpoints",
                "/_/api/sessions", "/observe/metrics")) {
            for (String spelling : spellings(target)) {
                String query = target.endsWith("export") ? "?secrets=true" : "";
                Answer a = exchange("GET " + spelling + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                        + "\r\nConnection: close\r\n\r\n");
                assertTrue(REFUSED.contains(a.status), spelling + " answered " + a.status + ": " + a.body);
                assertFalse(a.body.contains(KEY) || a.body.contains("\"endpoints\""), spelling + ": " + a.body);
                tried++;
            }
        }
        assertTrue(tried >= 200, "spellings tried: " + tried);
    }

    @Test
    void noSpellingOfTheLiveChannelUpgrades() {
        int tried = 0;
        List<String> all = new ArrayList<>(spellings("/_/ws"));
        all.add("/_/ws");
        for (String spelling : all) {
            Answer a = exchange("GET " + spelling + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nOrigin: " + base() + "\r\n\r\n");
            assertTrue(a.status != 101 && a.status / 100 != 2, spelling + " answered " + a.status);
            tried++;
        }
        assertTrue(tried >= 30, "spellings tried: " + tried);
    }

    @Test
    void crossSiteTextPlainImportsChangeNothingWhateverTheSpelling() {
        addEndpoint("main", upstream.baseUrl());
        String evil = "{\"format\":\"code-proxy/1\",\"endpoints\":[{\"name\":\"evil\",\"baseUrl\":\"http://127.0.0.1:9\","
                + "\"apiKey\":\"sk-evil\"}]}";
        List<String> all = new ArrayList<>(spellings("/_/api/import"));
        all.add("/_/api/import");
        for (String spelling : all) {
            // what fetch(..., {mode: 'no-cors', method: 'POST', body}) sends from a foreign page
            Answer a = exchange("POST " + spelling + "?mode=replace HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                    + "\r\nOrigin: http://evil.example\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: "
                    + evil.length() + "\r\nConnection: close\r\n\r\n" + evil);
            assertTrue(REFUSED.contains(a.status), spelling + " answered " + a.status + ": " + a.body);
        }
        // even with the admin token, a text/plain body is not taken
        Answer withToken = exchange("POST /_/api/import?mode=replace HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                + "\r\nAuthorization: Bearer " + ADMIN + "\r\nContent-Type: text/plain\r\nContent-Length: "
                + evil.length() + "\r\nConnection: close\r\n\r\n" + evil);
        assertEquals(415, withToken.status, withToken.body);
        assertTrue(withToken.body.contains("application/json"), withToken.body);
        assertEquals(List.of("main"), server.config().endpoints().stream().map(e -> e.name()).toList(),
                "the endpoints are what they were");
    }

    @Test
    void loginAndMetricsSpellingsAreRefusedAndTheRealOnesWork() {
        String link = server.loginUrl();
        String code = link.substring(link.indexOf("code=") + 5);
        for (String spelling : spellings("/_/login")) {
            Answer a = exchange("GET " + spelling + "?code=" + code + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                    + "\r\nConnection: close\r\n\r\n");
            assertTrue(REFUSED.contains(a.status), spelling + " answered " + a.status);
            assertFalse(a.head.toLowerCase(Locale.ROOT).contains("set-cookie"), spelling + ": " + a.head);
        }
        Answer login = exchange("GET /_/login?code=" + code + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                + "\r\nConnection: close\r\n\r\n");
        assertEquals(303, login.status, "the code survived the refused spellings and works once: " + login.head);
        Answer metrics = exchange("GET /observe/metrics HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                + "\r\nAuthorization: Bearer " + ADMIN + "\r\nConnection: close\r\n\r\n");
        assertEquals(200, metrics.status);
    }

    @Test
    void theAdminRoutesCheckCredentialsThemselvesWhenNoFilterRuns() {
        // the same routes, wired without the access filter: still nothing opens
        WebServer bare = WebServer.builder().host("127.0.0.1").port(0)
                .mediaContext(m -> m.mediaSupportsDiscoverServices(false).addMediaSupport(server.controlPlane().jsonSupport()))
                .routing(r -> server.controlPlane().routes(r)).build().start();
        try {
            for (String path : List.of("/_/api/status", "/_/api/export?secrets=true", "/_/api/settings",
                    "/_/api/sessions")) {
                Answer a = exchange(bare.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                assertEquals(401, a.status, path + ": " + a.body);
            }
            Answer withToken = exchange(bare.port(), "GET /_/api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + "Bearer " + ADMIN + "\r\nConnection: close\r\n\r\n");
            assertEquals(200, withToken.status, withToken.body);
            Answer encoded = exchange(bare.port(), "GET /_%2Fapi/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + "Bearer " + ADMIN + "\r\nConnection: close\r\n\r\n");
            assertEquals(400, encoded.status, "not in normal form, even with the token: " + encoded.body);
        } finally {
            bare.stop();
        }
    }

    // ------------------------------------------------------------------ raw exchange

    record Answer(int status, String head, String body) {
    }

    Answer exchange(String request) {
        return exchange(server.port(), request);
    }

    /** Sends the bytes as they are; reads the status line, headers and (for non-upgrades) the body. */
    static Answer exchange(int port, String request) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String head = readHead(in);
            String[] first = head.split("\r\n", 2)[0].split(" ");
            int status = first.length > 1 ? Integer.parseInt(first[1]) : -1;
            if (status == 101) {
                return new Answer(status, head, "");
            }
            String length = null;
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = line.substring(15).strip();
                }
            }
            if (length != null) {
                return new Answer(status, head, new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8));
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try {
                in.transferTo(body);
            } catch (SocketTimeoutException e) {
                // a kept-alive connection: what came is enough
            }
            return new Answer(status, head, body.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
