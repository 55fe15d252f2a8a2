package dev.codeproxy.app;

import dev.codeproxy.admin.doctor.Check;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The self-test: shows, before it matters, what Claude Code would see when an upstream fails.
 * For each failure of the documented table it starts the real server (routing, retries,
 * breakers, stream relay) in this process with the user's retry and breaker settings and as many
 * endpoints as the user has enabled, all of them in-process fake upstreams (no real endpoint is
 * touched; the run's database is a temporary one, the user's request log is not written), makes
 * the first endpoint fail that way once, and sends one streaming request. Each result says what
 * the client saw, the attempts and the time, and whether that is what the table documents; when
 * Claude Code would see the failure, the hint says what to change. Used by {@code code-proxy
 * selftest} and the dashboard's "Run self-test".
 */
final class Selftest {
    static final String MODEL = "claude-sonnet-4-5";
    /** The wait for headers in the "never sends headers" scenario (the user's may be minutes). */
    static final long HEADERS_WAIT_MS = 2_000;
    private static final String TOKEN = "cp-selftest-client-token";

    private Selftest() {
    }

    /** One scripted failure and what the documented table says the client then sees. */
    record Scenario(String name, Reply fault, boolean sameAgain, boolean nextEndpoint, boolean unavoidable) {
    }

    /** The user's retry settings and endpoints (defaults and one endpoint when nothing is configured). */
    record Setup(int maxRetries, long retryCapMs, Map<String, String> settings, List<Endpoint> endpoints) {
    }

    static List<Scenario> scenarios(Setup s) {
        boolean retries = s.maxRetries() >= 1;
        return List.of(
                new Scenario("429 with retry-after 1", Reply.error(429, "rate_limit_error", "selftest: slow down")
                        .retryAfter(1), s.retryCapMs() >= 1000, true, false),
                new Scenario("529 overloaded", Reply.error(529, "overloaded_error", "selftest: overloaded"), retries,
                        true, false),
                new Scenario("500 api error", Reply.error(500, "api_error", "selftest: internal error"), retries, true,
                        false),
                new Scenario("connection reset", Reply.reset(), true, true, false),
                new Scenario("no response headers", Reply.hang(), false, true, false),
                new Scenario("event: error before the first content block",
                        Reply.sse(SseFixtures.errorBeforeContent(MODEL, "overloaded_error", "selftest: overloaded")),
                        false, true, false),
                new Scenario("stream cut after its first content", Reply.sse(SseFixtures.message(MODEL, 8))
                        .cutAfterEvents(4), false, false, true),
                new Scenario("empty 200 stream", Reply.empty200Stream(), false, true, false),
                new Scenario("401 key refused", Reply.error(401, "authentication_error", "selftest: invalid x-api-key"),
                        false, true, false));
    }

    /** The run's settings and endpoints from the user's ({@code endpoints}: the enabled ones). */
    static Setup setup(Settings settings, List<Endpoint> endpoints) {
        endpoints = endpoints.stream().filter(Endpoint::enabled).toList();
        Map<String, String> copy = new LinkedHashMap<>();
        copy.put("maxRetries", Integer.toString(settings.maxRetries()));
        copy.put("retryCapMs", Long.toString(settings.retryCapMs()));
        copy.put("breakerThreshold", Integer.toString(settings.breakerThreshold()));
        copy.put("breakerCooldownMs", Long.toString(settings.breakerCooldownMs()));
        copy.put("connectTimeoutMs", Long.toString(Math.min(settings.connectTimeoutMs(), 5_000)));
        copy.put("requestTimeoutMs", Long.toString(Math.min(settings.requestTimeoutMs(), 60_000)));
        copy.put("streamIdleTimeoutMs", Long.toString(Math.min(settings.streamIdleTimeoutMs(), 10_000)));
        // the failure is scripted on the first endpoint: try them in priority order whatever the strategy
        copy.put("routing", "failover");
        copy.put("claudeConfig", "false");
        copy.put("requestLog", "false");
        return new Setup(settings.maxRetries(), settings.retryCapMs(), copy, endpoints);
    }

    /** Every scenario through a fresh server (breakers start closed) and fresh fakes; each result as it comes. */
    static List<Check> run(Setup setup, Consumer<Check> each) throws IOException, InterruptedException {
        int n = Math.max(1, setup.endpoints().size());
        List<Check> out = new ArrayList<>();
        for (Scenario sc : scenarios(setup)) {
            Check c = runOne(sc, setup, n);
            out.add(c);
            each.accept(c);
        }
        return out;
    }

    private static Check runOne(Scenario sc, Setup setup, int n) throws IOException, InterruptedException {
        Path tmp = Files.createTempDirectory("code-proxy-selftest");
        List<FakeUpstream> fakes = new ArrayList<>();
        try {
            List<String> names = new ArrayList<>();
            try (Store store = new Store(tmp)) {
                store.settings.putAll(setup.settings());
                for (int i = 0; i < n; i++) {
                    FakeUpstream f = FakeUpstream.start().setDefault(Reply.sse(SseFixtures.message(MODEL, 3)));
                    fakes.add(f);
                    Endpoint user = i < setup.endpoints().size() ? setup.endpoints().get(i) : null;
                    String name = user != null ? user.name() : "endpoint-" + (i + 1);
                    names.add(name);
                    store.endpoints.add(new Endpoint(0, name, "selftest", true, i + 1, user != null ? user.weight() : 1,
                            f.baseUrl(), "sk-selftest-" + i, null, Endpoint.DEFAULT_TIMEOUT_MS, ModelMap.EMPTY, false,
                            HEADERS_WAIT_MS));
                }
            }
            fakes.getFirst().enqueue(sc.fault());
            try (ProxyServer server = ProxyServer.start(ProxyServer.Options.builder()
                    .dataDir(tmp)
                    .host("127.0.0.1")
                    .port(0)
                    .clientToken(TOKEN)
                    .build());
                 HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                long t0 = System.nanoTime();
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/messages"))
                        .timeout(Duration.ofSeconds(60))
                        .header("x-api-key", TOKEN).header("anthropic-version", "2023-06-01")
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"max_tokens\":64,"
                                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"selftest\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
                String body;
                try (InputStream in = r.body()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                String attempts = r.headers().firstValue("x-code-proxy-attempts").orElse("?");
                String servedBy = r.headers().firstValue("x-code-proxy-endpoint").orElse("none");
                boolean complete = r.statusCode() == 200 && body.contains("event: message_stop");
                boolean errorEvent = r.statusCode() == 200 && body.contains("event: error");
                String saw = complete ? "a complete answer" : errorEvent ? "an event: error after the first content"
                        : "HTTP " + r.statusCode() + " " + errorType(body);
                boolean saved = sc.sameAgain() || sc.nextEndpoint() && n >= 2;
                boolean expectedComplete = !sc.unavoidable() && saved;
                boolean asDocumented = sc.unavoidable() ? errorEvent : complete == expectedComplete;
                String detail = "client saw " + saw + " after " + ms + " ms, " + attempts + " attempt(s), served by "
                        + servedBy + (asDocumented ? "; as documented" : "; the failure table says "
                        + (expectedComplete ? "a complete answer" : "the client sees the failure"));
                String hint = null;
                if (!asDocumented) {
                    hint = "this is a Code Proxy bug: please report it with this output";
                } else if (!complete && !sc.unavoidable()) {
                    List<String> fixes = new ArrayList<>();
                    if (sc.nextEndpoint() && n < 2) {
                        fixes.add("add a second endpoint (failover)");
                    }
                    if (canRetry(sc) && !sc.sameAgain()) {
                        fixes.add(retryHint(sc));
                    }
                    hint = "Claude Code sees this failure with these settings" + (fixes.isEmpty() ? ""
                            : ": " + String.join(" or ", fixes));
                }
                return new Check(sc.name(), asDocumented, detail, hint);
            }
        } finally {
            fakes.forEach(FakeUpstream::close);
            delete(tmp);
        }
    }

    private static boolean canRetry(Scenario sc) {
        return sc.name().startsWith("429") || sc.name().startsWith("529") || sc.name().startsWith("500");
    }

    private static String retryHint(Scenario sc) {
        return sc.name().startsWith("429") ? "raise retryCapMs to at least the upstream's retry-after"
                : "set maxRetries to 1 or more (code-proxy settings set maxRetries 1)";
    }

    private static String errorType(String body) {
        int i = body.indexOf("\"type\":\"", body.indexOf("\"error\""));
        if (i < 0) {
            return "";
        }
        int end = body.indexOf('"', i + 8);
        return end < 0 ? "" : body.substring(i + 8, end);
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: best effort
        }
    }

}
