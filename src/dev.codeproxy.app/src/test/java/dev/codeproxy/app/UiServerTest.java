package dev.codeproxy.app;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.ColorScheme;
import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.testkit.FakeUpstream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * Base of the dashboard's browser tests: a real server (port 0, fresh data directory, real
 * SQLite, the UI built into the admin jar) with a fixed admin token and a temporary Claude Code
 * directory, fake upstreams, and a Chromium tab that fails the test on any console error it did
 * not {@linkplain BrowserSupport.Tab#allow allow}.
 */
abstract class UiServerTest {
    static final String ADMIN = "cpa-ui-test-admin-token-0123456789abcdef01";
    static final String CLIENT = TestProxy.TOKEN;
    static final String KEY = TestProxy.KEY;
    /** A model the bundled price table knows, so costs are not zero. */
    static final String MODEL = "claude-sonnet-4-5-20250929";

    static BrowserSupport browser;

    Path dataDir;
    Path claudeDir;
    ProxyServer server;
    final List<FakeUpstream> upstreams = new ArrayList<>();
    BrowserSupport.Tab tab;
    Page page;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startBrowser() {
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        browser = BrowserSupport.launch();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    /** Settings stored before the server starts. */
    Map<String, String> settings() {
        return Map.of("claudeConfig", "false");
    }

    @BeforeEach
    void startServer() throws IOException {
        dataDir = Files.createTempDirectory("code-proxy-ui");
        claudeDir = Files.createTempDirectory("code-proxy-ui-claude");
        try (Store s = new Store(dataDir)) {
            s.settings.putAll(settings());
        }
        server = startProxy(0);
        tab = browser.tab(ColorScheme.LIGHT);
        page = tab.page;
        page.setDefaultTimeout(15_000);
    }

    ProxyServer startProxy(int port) {
        return ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(dataDir)
                .host("127.0.0.1")
                .port(port)
                .clientToken(CLIENT)
                .claudeConfigDir(claudeDir)
                .adminToken(ADMIN)
                .build());
    }

    @AfterEach
    void stopServer(TestInfo info) {
        List<String> errors = tab == null ? List.of() : tab.errors();
        try {
            if (tab != null) {
                // what the page showed last, for a failing test (target/screenshots/last/)
                try {
                    tab.screenshot("last/" + getClass().getSimpleName() + "-"
                            + info.getTestMethod().map(Method::getName).orElse("test"));
                } catch (RuntimeException e) {
                    // the page is gone: nothing to show
                }
                tab.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
            upstreams.forEach(FakeUpstream::close);
            http.shutdownNow();
            AdminServerTest.delete(dataDir);
            AdminServerTest.delete(claudeDir);
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("the browser console reported errors:\n  " + String.join("\n  ", errors));
        }
    }

    FakeUpstream upstream() {
        FakeUpstream u = FakeUpstream.start();
        upstreams.add(u);
        return u;
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Opens the one-time login link (sets the session cookie) and waits for the live channel. */
    void login() {
        page.navigate(server.loginUrl());
        assertThat(page.locator("[data-testid=live-status]")).hasAttribute("data-status", "open");
    }

    /** Navigates to a hash route, e.g. {@code go("/logs")}. */
    void go(String route) {
        page.navigate(base() + "/#" + route);
    }

    Locator byTest(String id) {
        return page.locator("[data-testid=" + id + "]");
    }

    /** Adds an endpoint directly in the store (not through the UI) and makes it live. */
    Endpoint addEndpoint(String name, String baseUrl) {
        Endpoint e = new EndpointRepository(server.database().client()).add(new Endpoint(0, name, "", true,
                Integer.MAX_VALUE, 1, baseUrl, KEY, AuthStyle.X_API_KEY, 600_000, ModelMap.EMPTY, false));
        server.config().reload();
        server.controlPlane().configChanged();
        return e;
    }

    /**
     * A finished request handed to the request log as the proxy hands it (aggregates included),
     * e.g. to fill the log or the history without sending traffic.
     */
    void recordFinished(long id, long startedAtEpochMs, String model, Usage usage, int status) {
        long total = 1_200;
        var attempts = List.of(new AttemptRecord(1, "Anthropic", model,
                status == 200 ? "ok" : "http_" + status, status, 0, 300, total));
        var rec = new RequestRecord(id, startedAtEpochMs, "POST", "/v1/messages", null, model,
                model, true, status, "Anthropic", 1, false, 300, status == 200 ? 700 : -1, total, usage,
                status == 200 ? null : "upstream 'Anthropic' answered " + status, attempts, Map.of(), Map.of(), Map.of(),
                null, false, null, false, null, null, null, null);
        server.requestLog().onEvent(new ProxyEvent.RequestCompleted(rec));
    }

    static String messages(boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"max_tokens\":256,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    /** POST /v1/messages through the proxy with the client token; completes when the response has been read. */
    CompletableFuture<HttpResponse<String>> sendAsync(boolean stream) {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base() + "/v1/messages"))
                .timeout(Duration.ofSeconds(30))
                .header("x-api-key", CLIENT)
                .header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(messages(stream)))
                .build();
        return http.sendAsync(r, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(boolean stream) {
        return sendAsync(stream).join();
    }

    /** GET an admin API path with the admin token, parsed. */
    JsonObject api(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + path))
                    .header("authorization", "Bearer " + ADMIN).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            try (var reader = Json.createReader(new StringReader(r.body()))) {
                return reader.readObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The endpoint names in priority order, as the API lists them. */
    List<String> endpointNames() {
        List<String> out = new ArrayList<>();
        api("/_/api/endpoints").getJsonArray("endpoints").forEach(v -> out.add(v.asJsonObject().getString("name")));
        return out;
    }
}
