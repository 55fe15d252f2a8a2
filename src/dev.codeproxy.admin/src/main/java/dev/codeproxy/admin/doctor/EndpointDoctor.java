package dev.codeproxy.admin.doctor;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.secret.Secrets;
import dev.codeproxy.core.wire.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The doctor's checks of one endpoint, in the order a request meets them: DNS, TCP, TLS (with
 * timings), whether the key is accepted, whether each family's mapped model is accepted, the
 * time to response headers, and (with {@code live}) whether a stream reaches its first content
 * block. What it can, it checks with calls that cost nothing ({@code count_tokens}, the models
 * list); a one-token message is sent only when {@code live} is asked for. Every text it reports
 * has the endpoint's key masked, should the upstream echo it.
 */
public final class EndpointDoctor {
    /** The model used when the endpoint maps none (a cheap, widely known id). */
    static final String PROBE_MODEL = "claude-haiku-4-5";
    private static final String MESSAGES = "[{\"role\":\"user\",\"content\":\"ping\"}]";

    private final Duration connectTimeout;
    private final Duration wait;
    private final HttpClient http;

    public EndpointDoctor(Duration connectTimeout, Duration wait) {
        this.connectTimeout = connectTimeout;
        this.wait = wait;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(connectTimeout).build();
    }

    /** Every check of {@code e}; stops after the first network failure (the rest could only fail too). */
    public List<Check> run(Endpoint e, boolean live) {
        List<Check> out = new ArrayList<>();
        String p = e.name() + ": ";
        URI uri;
        try {
            uri = URI.create(e.baseUrl());
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("no http(s) host");
            }
        } catch (IllegalArgumentException ex) {
            out.add(Check.fail(p + "base URL", "'" + e.baseUrl() + "' is not an http(s) URL",
                    "set it with: code-proxy endpoint set " + e.name() + " --url https://host[:port][/path]"));
            return out;
        }
        boolean tls = "https".equals(uri.getScheme());
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;

        long t0 = System.nanoTime();
        InetAddress address;
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            address = all[0];
            out.add(Check.pass(p + "dns", host + " → " + address.getHostAddress()
                    + (all.length > 1 ? " (+" + (all.length - 1) + " more)" : "") + " in " + ms(t0) + " ms"));
        } catch (UnknownHostException ex) {
            out.add(Check.fail(p + "dns", "the name " + host + " does not resolve (" + ms(t0) + " ms)",
                    "check the host in the base URL (" + e.baseUrl() + ") and this machine's DNS"));
            return out;
        }

        t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
            out.add(Check.pass(p + "tcp", "connected to " + address.getHostAddress() + ":" + port + " in " + ms(t0)
                    + " ms"));
            if (tls) {
                long t1 = System.nanoTime();
                try (SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(s, host, port, false)) {
                    SSLParameters params = ssl.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    if (!Character.isDigit(host.charAt(0)) && !host.contains(":")) {
                        params.setServerNames(List.of(new SNIHostName(host)));
                    }
                    ssl.setSSLParameters(params);
                    ssl.setSoTimeout((int) wait.toMillis());
                    ssl.startHandshake();
                    out.add(Check.pass(p + "tls", ssl.getSession().getProtocol() + " with a certificate valid for "
                            + host + " in " + ms(t1) + " ms"));
                } catch (IOException ex) {
                    out.add(Check.fail(p + "tls", "the TLS handshake with " + host + " failed: " + describe(ex),
                            "the server's certificate is not trusted for " + host + " by this Java runtime, or it "
                                    + "does not speak TLS on port " + port + " (try http:// if it is plain HTTP)"));
                    return out;
                }
            }
        } catch (IOException ex) {
            out.add(Check.fail(p + "tcp", "cannot connect to " + address.getHostAddress() + ":" + port + " ("
                    + describe(ex) + ", " + ms(t0) + " ms)", "nothing accepts connections there: is the service up, "
                    + "the port right, or a firewall in the way?"));
            return out;
        }

        String probeModel = firstNonBlank(e.models().haiku(), e.models().smallFast(), e.models().defaultModel(),
                PROBE_MODEL);
        Answer count = post(e, "/v1/messages/count_tokens", countBody(probeModel));
        boolean countWorks = count.status() >= 200 && count.status() < 300;
        boolean noCount = count.status() == 404 || count.status() == 405;
        if (count.failure() != null) {
            out.add(Check.fail(p + "key", "the upstream did not answer: " + count.failure(),
                    "check the base URL and the endpoint's timeout"));
            return out;
        }
        Answer auth = count;
        String how = "count_tokens";
        if (noCount) {
            auth = get(e, "/v1/models");
            how = "the models list";
        }
        if (auth.status() == 401 || auth.status() == 403) {
            out.add(Check.fail(p + "key", "the key is refused (" + hide(e, auth.error()) + ")",
                    e.apiKey().isEmpty() ? "the endpoint has no key: code-proxy endpoint set " + e.name()
                            + " --key-env VAR" : "set the right key (code-proxy endpoint set " + e.name()
                            + " --key-env VAR) and check the auth header style (x-api-key or bearer: --auth)"));
            return out;
        }
        boolean keyKnown = auth.status() >= 200 && auth.status() < 300;
        if (keyKnown) {
            out.add(Check.pass(p + "key", "accepted (" + how + ", HTTP " + auth.status() + ")"));
        } else if (!live) {
            out.add(Check.skipped(p + "key", "the upstream offers neither count_tokens nor a models list that "
                    + "answers (" + hide(e, auth.error()) + "); doctor --live checks it with a one-token message"));
        }

        // each family's mapped model
        Map<String, String> mapped = new LinkedHashMap<>();
        put(mapped, "default", e.models().defaultModel());
        put(mapped, "smallFast", e.models().smallFast());
        put(mapped, "haiku", e.models().haiku());
        put(mapped, "sonnet", e.models().sonnet());
        put(mapped, "opus", e.models().opus());
        for (var m : mapped.entrySet()) {
            String name = p + "model " + m.getKey() + " → " + m.getValue();
            if (!countWorks && !live) {
                out.add(Check.skipped(name, "the upstream has no count_tokens; doctor --live checks it with a "
                        + "one-token message"));
                continue;
            }
            Answer a = countWorks ? post(e, "/v1/messages/count_tokens", countBody(m.getValue()))
                    : post(e, "/v1/messages", messageBody(m.getValue(), false));
            if (a.status() >= 200 && a.status() < 300) {
                out.add(Check.pass(name, "accepted"));
            } else {
                out.add(Check.fail(name, "refused: " + hide(e, a.failure() != null ? a.failure() : a.error()),
                        "the upstream does not know " + m.getValue() + "; change the endpoint's " + m.getKey()
                                + " mapping to a model it serves (dashboard → Endpoints, or import)"));
            }
        }

        out.add(Check.pass(p + "time to headers", count.headersMs() + " ms (" + (noCount ? "count_tokens answered "
                + count.status() : "count_tokens") + ")"));

        if (!live) {
            out.add(Check.skipped(p + "stream", "it costs a token; doctor --live sends a one-token streaming "
                    + "message"));
            return out;
        }
        out.add(stream(e, p, probeModel));
        return out;
    }

    /** A one-token streaming message: ✓ when its first content block arrives. */
    private Check stream(Endpoint e, String p, String model) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<InputStream> r = http.send(request(e, "/v1/messages")
                    .header("accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(messageBody(model, true))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long headers = ms(t0);
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                if (r.statusCode() / 100 != 2) {
                    String body = in.lines().limit(50).reduce("", (a, b) -> a + b);
                    return Check.fail(p + "stream", "HTTP " + r.statusCode() + ": " + hide(e, errorText(r.statusCode(),
                            body)), "the endpoint refuses streaming messages; see the key and model checks");
                }
                String line;
                String event = "";
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).strip();
                        if (event.equals("content_block_start")) {
                            return Check.pass(p + "stream", "first content block after " + ms(t0) + " ms (headers "
                                    + headers + " ms)");
                        }
                        if (event.equals("error")) {
                            String data = in.readLine();
                            return Check.fail(p + "stream", "an error event before any content: " + hide(e,
                                    data == null ? "" : data.replaceFirst("^data:\\s*", "")),
                                    "the upstream fails streams; Code Proxy fails over when it does, but this "
                                            + "endpoint will not serve them");
                        }
                    }
                }
                return Check.fail(p + "stream", "the stream ended before any content block (last event '" + event
                        + "')", "the upstream sends no content; check the model mapping");
            }
        } catch (IOException ex) {
            return Check.fail(p + "stream", "the stream failed: " + describe(ex), "check the endpoint's timeout");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return Check.fail(p + "stream", "interrupted", null);
        }
    }

    private record Answer(int status, String error, String failure, long headersMs) {
    }

    private Answer post(Endpoint e, String path, String body) {
        return send(e, request(e, path).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Answer get(Endpoint e, String path) {
        return send(e, request(e, path).GET());
    }

    private Answer send(Endpoint e, HttpRequest.Builder b) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            long ms = ms(t0);
            String text = new String(r.body(), 0, Math.min(r.body().length, 4096), StandardCharsets.UTF_8);
            return new Answer(r.statusCode(), errorText(r.statusCode(), text), null, ms);
        } catch (HttpConnectTimeoutException ex) {
            return new Answer(0, null, "connect timeout after " + connectTimeout.toMillis() + " ms", ms(t0));
        } catch (HttpTimeoutException ex) {
            return new Answer(0, null, "no response headers within " + wait.toMillis() + " ms", ms(t0));
        } catch (IOException ex) {
            return new Answer(0, null, describe(ex), ms(t0));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new Answer(0, null, "interrupted", ms(t0));
        }
    }

    private HttpRequest.Builder request(Endpoint e, String path) {
        return authorize(HttpRequest.newBuilder(URI.create(e.baseUrl() + path)).timeout(wait)
                .header("anthropic-version", "2023-06-01"), e);
    }

    /** The endpoint's key in the header its auth style names ({@code x-api-key} or {@code authorization: Bearer}). */
    public static HttpRequest.Builder authorize(HttpRequest.Builder b, Endpoint e) {
        e.authStyle().credential(e.apiKey(), b::header);
        return b;
    }

    private static String countBody(String model) {
        return "{\"model\":\"" + Json.escape(model) + "\",\"messages\":" + MESSAGES + "}";
    }

    private static String messageBody(String model, boolean stream) {
        return "{\"model\":\"" + Json.escape(model) + "\",\"max_tokens\":1,\"stream\":" + stream + ",\"messages\":"
                + MESSAGES + "}";
    }

    /** The Anthropic envelope's {@code type: message}, else the start of the body (at most 300 characters). */
    public static String errorText(int status, String text) {
        try (var r = jakarta.json.Json.createReader(new StringReader(text))) {
            if (r.readValue() instanceof JsonObject o && o.get("error") instanceof JsonObject err) {
                String type = err.get("type") instanceof JsonString t ? t.getString() : "error";
                String message = err.get("message") instanceof JsonString m ? m.getString() : "";
                return "HTTP " + status + " " + type + (message.isEmpty() ? "" : ": " + message);
            }
        } catch (RuntimeException ex) {
            // not JSON: show the text
        }
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return "HTTP " + status + (oneLine.isEmpty() ? "" : ": " + (oneLine.length() > 300
                ? oneLine.substring(0, 300) + "..." : oneLine));
    }

    private static void put(Map<String, String> m, String family, String model) {
        if (model != null && !model.isBlank()) {
            m.put(family, model);
        }
    }

    /** {@code s} with the endpoint's key masked, should an upstream echo it. */
    public static String hide(Endpoint e, String s) {
        return s == null || e.apiKey().isEmpty() ? s : s.replace(e.apiKey(), Secrets.mask(e.apiKey()));
    }

    /** An I/O failure in a few words: its message, else its kind. */
    public static String describe(IOException ex) {
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
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
