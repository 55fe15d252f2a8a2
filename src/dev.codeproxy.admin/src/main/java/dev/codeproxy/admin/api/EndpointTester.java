package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.EndpointDtos;
import dev.codeproxy.admin.doctor.EndpointDoctor;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.core.wire.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The endpoint test: one real, minimal request through the endpoint with its key and auth style.
 * {@code POST /v1/messages/count_tokens} costs nothing; an upstream without it (404/405) gets a
 * one-token {@code POST /v1/messages} ({@code max_tokens: 1}) instead. Reports status, latency
 * and the upstream's error message, with the endpoint's key masked should the upstream echo it.
 */
public final class EndpointTester {
    /** Longest wait for one test request. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(30);
    static final String DEFAULT_MODEL = "claude-haiku-4-5";

    private volatile HttpClient client;
    private volatile long clientConnectMs = -1;

    public EndpointDtos.TestResult test(Endpoint e, Settings settings) {
        String model = firstNonBlank(e.models().haiku(), e.models().smallFast(), e.models().defaultModel(), DEFAULT_MODEL);
        String messages = "[{\"role\":\"user\",\"content\":\"ping\"}]";
        String countBody = "{\"model\":\"" + Json.escape(model) + "\",\"messages\":" + messages + "}";
        Duration wait = Duration.ofMillis(Math.min(e.timeoutMs(), MAX_WAIT.toMillis()));
        HttpClient http = client(settings.connectTimeoutMs());
        String method = "count_tokens";
        long t0 = System.nanoTime();
        try {
            HttpResponse<byte[]> r = post(http, e, "/v1/messages/count_tokens", countBody, wait);
            if (r.statusCode() == 404 || r.statusCode() == 405) {
                method = "messages";
                t0 = System.nanoTime();
                r = post(http, e, "/v1/messages", "{\"model\":\"" + Json.escape(model) + "\",\"max_tokens\":1,"
                        + "\"messages\":" + messages + "}", wait);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            boolean ok = r.statusCode() >= 200 && r.statusCode() < 300;
            return new EndpointDtos.TestResult(ok, method, r.statusCode(), ms, model,
                    ok ? null : EndpointDoctor.hide(e, upstreamError(r.statusCode(), r.body())));
        } catch (HttpConnectTimeoutException ex) {
            return failed(e, method, t0, model, "connect timeout after " + settings.connectTimeoutMs() + " ms");
        } catch (HttpTimeoutException ex) {
            return failed(e, method, t0, model, "no response within " + wait.toMillis() + " ms");
        } catch (IOException ex) {
            return failed(e, method, t0, model, "cannot reach " + e.baseUrl() + ": " + EndpointDoctor.describe(ex));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return failed(e, method, t0, model, "interrupted");
        } catch (IllegalArgumentException ex) {
            return failed(e, method, t0, model, "the base URL cannot be called: " + ex.getMessage());
        }
    }

    private static EndpointDtos.TestResult failed(Endpoint e, String method, long t0, String model, String error) {
        return new EndpointDtos.TestResult(false, method, 0, (System.nanoTime() - t0) / 1_000_000, model, EndpointDoctor.hide(e, error));
    }

    private static HttpResponse<byte[]> post(HttpClient http, Endpoint e, String path, String body, Duration wait)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = EndpointDoctor.authorize(HttpRequest.newBuilder(URI.create(e.baseUrl() + path))
                .timeout(wait)
                .header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body)), e);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The upstream's error as one line (the envelope's type and message, else the start of the body). */
    static String upstreamError(int status, byte[] body) {
        return EndpointDoctor.errorText(status, new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8));
    }

    private HttpClient client(long connectMs) {
        HttpClient c = client;
        if (c == null || clientConnectMs != connectMs) {
            synchronized (this) {
                if (client == null || clientConnectMs != connectMs) {
                    client = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .connectTimeout(Duration.ofMillis(connectMs))
                            .build();
                    clientConnectMs = connectMs;
                }
                c = client;
            }
        }
        return c;
    }

    private static String firstNonBlank(String... s) {
        for (String x : s) {
            if (x != null && !x.isBlank()) {
                return x;
            }
        }
        return "";
    }
}
