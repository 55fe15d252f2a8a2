package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.routing.Breaker;
import dev.codeproxy.store.EndpointRepository;
import org.junit.jupiter.api.Assertions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** A real proxy server on a free loopback port with a temporary data directory, for end-to-end tests. */
final class TestProxy implements AutoCloseable {
    static final String TOKEN = "cp-test-client-token-0123456789";
    static final String KEY = "sk-ant-endpoint-secret-key-abcdef123456";

    final Path dataDir;
    final ProxyServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestProxy(Path dataDir, ProxyServer server) {
        this.dataDir = dataDir;
        this.server = server;
    }

    /** Starts a proxy with the given settings overrides and no endpoints. */
    static TestProxy start(Map<String, String> settings) {
        try {
            Path dir = Files.createTempDirectory("code-proxy-test");
            if (!settings.isEmpty()) {
                try (Store s = new Store(dir)) {
                    s.settings.putAll(settings);
                }
            }
            return new TestProxy(dir, ProxyServer.start(ProxyServer.Options.builder()
                    .dataDir(dir)
                    .host("127.0.0.1")
                    .port(0)
                    .clientToken(TOKEN)
                    .build()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TestProxy start() {
        return start(Map.of());
    }

    /** Adds an endpoint and makes it live at once. */
    Endpoint addEndpoint(String name, String baseUrl, AuthStyle style) {
        Endpoint e = new EndpointRepository(server.database().client()).add(new Endpoint(0, name, "", true,
                Integer.MAX_VALUE, 1, baseUrl, KEY, style, 600_000, ModelMap.EMPTY, false));
        server.config().reload();
        return e;
    }

    Endpoint addEndpoint(String name, String baseUrl) {
        return addEndpoint(name, baseUrl, AuthStyle.X_API_KEY);
    }

    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.port() + pathAndQuery;
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(url(pathAndQuery))).timeout(Duration.ofSeconds(20))
                .header("x-api-key", TOKEN);
    }

    HttpResponse<byte[]> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> post(String pathAndQuery, String body) {
        return send(request(pathAndQuery).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /**
     * Waits (up to 5 s) for a breaker state: the breaker records an attempt's outcome right after
     * the client has its response, so a test that checks at once can be a moment early.
     */
    static void awaitState(Breaker breaker, Breaker.State state) {
        long end = System.nanoTime() + 5_000_000_000L;
        while (breaker.state() != state && System.nanoTime() < end) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Assertions.assertEquals(state, breaker.state());
    }

    @Override
    public void close() {
        server.close();
        http.shutdownNow();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp files; best effort
        }
    }
}
