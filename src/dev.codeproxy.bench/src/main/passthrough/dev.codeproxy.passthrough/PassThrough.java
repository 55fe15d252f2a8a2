package dev.codeproxy.passthrough;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A Helidon SE 4 pass-through, the shape issue 11 measured as the framework's ceiling: WebServer
 * and WebClient, the request body read whole, the headers an Anthropic upstream needs copied, the
 * answer copied back with a flush per read (SSE passes event by event). No log, no metrics, no
 * failover, no authentication.
 *
 * <pre>
 * PassThrough PORT UPSTREAM_BASE_URL
 * </pre>
 */
public final class PassThrough {
    private static final String[] FORWARDED = {"content-type", "anthropic-version", "anthropic-beta", "x-api-key",
            "authorization", "accept"};

    private PassThrough() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        WebClient client = WebClient.builder().baseUri(args[1]).build();
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .routing(r -> r.any((req, res) -> forward(client, req, res)))
                .build()
                .start();
        System.out.println("pass-through listening on " + server.port());
    }

    private static void forward(WebClient client, ServerRequest req, ServerResponse res) throws Exception {
        byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        String query = req.query().rawValue();
        HttpClientRequest up = client.method(Method.create(req.prologue().method().text()))
                .path(req.path().rawPath() + (query.isEmpty() ? "" : "?" + query));
        for (String name : FORWARDED) {
            req.headers().first(HeaderNames.create(name)).ifPresent(v -> up.header(HeaderNames.create(name), v));
        }
        try (HttpClientResponse answer = up.submit(body)) {
            res.status(answer.status());
            answer.headers().first(HeaderNames.CONTENT_TYPE).ifPresent(v -> res.header(HeaderNames.CONTENT_TYPE, v));
            answer.headers().first(HeaderNames.CONTENT_LENGTH).ifPresent(v -> res.header(HeaderNames.CONTENT_LENGTH, v));
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = answer.inputStream(); OutputStream out = res.outputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        }
    }
}
