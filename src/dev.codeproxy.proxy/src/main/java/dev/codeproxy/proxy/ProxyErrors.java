package dev.codeproxy.proxy;

import dev.codeproxy.core.wire.ApiError;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/** Sends the proxy's own errors in the Anthropic envelope. */
public final class ProxyErrors {
    private ProxyErrors() {
    }

    public static void send(ServerResponse res, ApiError error) {
        res.status(error.status());
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(error.json().getBytes(StandardCharsets.UTF_8));
    }
}
