package dev.codeproxy.store.log;

import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.core.wire.RequestBody;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link RequestRecord} builder for tests: a successful streamed Sonnet request unless told otherwise. */
public final class Rec {
    public long id;
    public long startedAt = 1_795_000_000_000L;
    public String method = "POST";
    public String path = "/v1/messages";
    public String query = "beta=true";
    public String model = "claude-sonnet-4-5-20250929";
    public String sentModel = "claude-sonnet-4-5-20250929";
    public boolean stream = true;
    public int status = 200;
    public String endpoint = "anthropic";
    public boolean failedOver;
    public long headersMs = 120;
    public long firstTokenMs = 400;
    public long totalMs = 2_000;
    public Usage usage = new Usage(100, 50, 10, 5, 1000);
    public String error;
    public List<AttemptRecord> attempts;
    public Map<String, List<String>> requestHeaders = new LinkedHashMap<>(Map.of("content-type", List.of("application/json")));
    public Map<String, List<String>> sentHeaders = new LinkedHashMap<>(Map.of("content-type", List.of("application/json")));
    public Map<String, List<String>> responseHeaders = new LinkedHashMap<>(Map.of("request-id", List.of("req_1")));
    public byte[] requestBody = "{\"model\":\"claude-sonnet-4-5-20250929\",\"stream\":true}".getBytes(StandardCharsets.UTF_8);
    public boolean requestTruncated;
    public byte[] responseBody = "event: message_stop\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);
    public boolean responseTruncated;
    public String sessionId;
    public String project;

    public Rec(long id) {
        this.id = id;
    }

    public static Rec of(long id) {
        return new Rec(id);
    }

    public Rec at(long epochMs) {
        startedAt = epochMs;
        return this;
    }

    public Rec model(String requested, String sent) {
        model = requested;
        sentModel = sent;
        return this;
    }

    public Rec status(int s, String err) {
        status = s;
        error = err;
        return this;
    }

    public Rec endpoint(String e) {
        endpoint = e;
        return this;
    }

    public Rec usage(long in, long out, long w5, long w1, long read) {
        usage = new Usage(in, out, w5, w1, read);
        return this;
    }

    public Rec times(long headers, long firstToken, long total) {
        headersMs = headers;
        firstTokenMs = firstToken;
        totalMs = total;
        return this;
    }

    public Rec stream(boolean s) {
        stream = s;
        return this;
    }

    public Rec failedOverFrom(String firstEndpoint, String outcome, int firstStatus) {
        failedOver = true;
        attempts = List.of(new AttemptRecord(1, firstEndpoint, sentModel, outcome, firstStatus, 0, -1, 50),
                new AttemptRecord(2, endpoint, sentModel, "ok", status, 60, headersMs, totalMs - 60));
        return this;
    }

    public Rec bodies(String request, String response) {
        requestBody = request == null ? null : request.getBytes(StandardCharsets.UTF_8);
        responseBody = response == null ? null : response.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    public Rec header(String name, String value) {
        requestHeaders.put(name, List.of(value));
        return this;
    }

    public Rec session(String id, String projectPath) {
        sessionId = id;
        project = projectPath;
        return this;
    }

    public RequestRecord build() {
        List<AttemptRecord> a = attempts;
        if (a == null) {
            a = List.of(new AttemptRecord(1, endpoint, sentModel, status < 300 ? "ok" : "http_" + status, status, 0,
                    headersMs, totalMs));
        }
        return new RequestRecord(id, startedAt, method, path, query, model, sentModel, stream, status, endpoint,
                a.size(), failedOver, headersMs, firstTokenMs, totalMs, usage, error, new ArrayList<>(a),
                requestHeaders, sentHeaders, responseHeaders, requestBody, requestTruncated, responseBody,
                responseTruncated, null, sessionId, project,
                // as the proxy hands a whole body over: with its scan's spans (a cut one is a copy, without)
                requestBody == null || requestTruncated ? null : RequestBody.scan(requestBody).spans());
    }
}
