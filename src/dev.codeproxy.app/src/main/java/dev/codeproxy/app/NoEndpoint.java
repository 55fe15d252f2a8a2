package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.settings.ConfigSource;
import dev.codeproxy.core.wire.ApiError;
import dev.codeproxy.proxy.HeaderPolicy;
import dev.codeproxy.proxy.ProxyErrors;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * With no enabled endpoint at all, an authenticated {@code /v1} request gets
 * {@code 403 permission_error} naming the fix, with {@code x-should-retry: false}, instead of the
 * proxy's {@code 503 overloaded_error}: Claude Code and the Anthropic SDKs retry 408, 409, 429 and
 * every 5xx (529 included) as a passing outage, but not other 4xx. A configuration with nothing to
 * send to is not an outage. Requests without a valid client token, and requests while stopping,
 * go on to the proxy (401 and 503 as before), so nothing about the configuration leaks to
 * unauthenticated clients.
 */
final class NoEndpoint implements Handler {
    static final String MESSAGE = "Code Proxy has no enabled endpoint to send this request to; add one with "
            + "'code-proxy endpoint add NAME --url URL --key-env VAR' or enable one in the dashboard";

    private final ConfigSource config;
    private final Predicate<String> validToken;
    private final BooleanSupplier stopping;

    NoEndpoint(ConfigSource config, Predicate<String> validToken, BooleanSupplier stopping) {
        this.config = config;
        this.validToken = validToken;
        this.stopping = stopping;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        if (stopping.getAsBoolean() || config.endpoints().stream().anyMatch(Endpoint::enabled)) {
            res.next();
            return;
        }
        String token = HeaderPolicy.clientToken(req.headers());
        if (token == null || !validToken.test(token)) {
            res.next();
            return;
        }
        res.header("x-should-retry", "false");
        ProxyErrors.send(res, new ApiError(403, "permission_error", MESSAGE));
    }
}
