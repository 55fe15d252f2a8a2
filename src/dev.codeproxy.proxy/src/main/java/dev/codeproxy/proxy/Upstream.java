package dev.codeproxy.proxy;

import dev.codeproxy.core.endpoint.Endpoint;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.http.media.MediaContext;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;

import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The connection to upstream endpoints: one Helidon WebClient (pooled keep-alive connections)
 * with TCP_NODELAY, no redirects, and no content decoding — bytes arrive and leave exactly as the
 * upstream sent them. Rebuilt only when the connect timeout setting changes.
 */
public final class Upstream {
    private volatile Http1Client client;
    private volatile long connectTimeoutMs = -1;

    /**
     * The HTTP/1.1 client itself: upstreams are spoken to in HTTP/1.1, so each request skips the
     * generic client's protocol discovery (a second request object per call, headers copied and
     * validated again).
     */
    private Http1Client client(long connectMs) {
        Http1Client c = client;
        if (c == null || connectMs != connectTimeoutMs) {
            synchronized (this) {
                if (client == null || connectMs != connectTimeoutMs) {
                    client = WebClient.builder()
                            .socketOptions(SocketOptions.builder()
                                    .tcpNoDelay(true)
                                    .connectTimeout(Duration.ofMillis(connectMs))
                                    .build())
                            .contentEncoding(ContentEncodingContext.builder()
                                    .contentEncodingsDiscoverServices(false)
                                    .build())
                            .followRedirects(false)
                            .sendExpectContinue(false)
                            // built once; nothing looked up with a ServiceLoader, now or per request
                            .servicesDiscoverServices(false)
                            .mediaContext(MediaContext.builder()
                                    .mediaSupportsDiscoverServices(false).build())
                            .build()
                            .client(Http1Client.PROTOCOL);
                    connectTimeoutMs = connectMs;
                }
                c = client;
            }
        }
        return c;
    }

    /**
     * Sends one request and returns once response headers arrived (or throws).
     *
     * @param headers       called with a sink for the outgoing headers
     * @param headerTimeout longest wait for response headers (also bounds each later read)
     */
    public HttpClientResponse send(Endpoint endpoint, String method, String pathAndQuery,
                                   Consumer<BiConsumer<String, String>> headers, byte[] body, long connectTimeoutMs,
                                   Duration headerTimeout) {
        var req = client(connectTimeoutMs)
                .method(Method.create(method))
                .skipUriEncoding(true)
                .uri(endpoint.baseUrl() + pathAndQuery)
                .readTimeout(headerTimeout)
                .followRedirects(false);
        req.headers(h -> headers.accept((name, value) -> h.add(HeaderNames.create(name), value)));
        if (body.length == 0 && (method.equals("GET") || method.equals("HEAD") || method.equals("DELETE"))) {
            return req.request();
        }
        if (body.length >= WRITE_THROUGH_BYTES) {
            // a Claude Code-sized body goes to the socket from the proxy's own array: submit(byte[])
            // would first copy it behind the headers into a buffer grown by doubling (256 KiB for a
            // 200 KB body, per request); with a content-length the output stream writes it as is
            req.header(HeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
            return req.outputStream(out -> {
                out.write(body);
                out.close();
            });
        }
        return req.submit(body);
    }

    /**
     * Bodies from this size on are written straight from their array (one more write for the
     * headers); smaller ones go out with the headers in one write.
     */
    static final int WRITE_THROUGH_BYTES = 16 * 1024;
}
