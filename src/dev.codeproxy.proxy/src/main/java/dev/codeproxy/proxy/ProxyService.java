package dev.codeproxy.proxy;

import dev.codeproxy.core.ApiError;
import dev.codeproxy.core.ConfigSource;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.routing.Strategy;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The route table of the data plane: every method on {@code /v1} and below is forwarded; each
 * request becomes one {@link Exchange}.
 */
public final class ProxyService implements HttpService {
    private final ConfigSource config;
    private final Strategy strategy;
    private final TokenCheck tokens;
    private final ProxyListener listener;
    private final Upstream upstream = new Upstream();
    private final IdleWatchdog watchdog = new IdleWatchdog();
    private final AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);

    public ProxyService(ConfigSource config, Strategy strategy, TokenCheck tokens, ProxyListener listener) {
        this.config = config;
        this.strategy = strategy;
        this.tokens = tokens;
        this.listener = listener;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any("/v1", this::handle)
                .any("/v1/*", this::handle);
    }

    private void handle(ServerRequest req, ServerResponse res) {
        String token = HeaderPolicy.clientToken(req.headers());
        if (token == null) {
            ProxyErrors.send(res, ApiError.authentication(
                    "missing client token: send the Code Proxy client token as x-api-key or authorization: Bearer"));
            return;
        }
        if (!tokens.valid(token)) {
            ProxyErrors.send(res, ApiError.authentication("invalid client token: it is not a Code Proxy client token"));
            return;
        }
        new Exchange(ids.incrementAndGet(), req, res, config.settings(), config.endpoints(), strategy, upstream,
                watchdog, listener).run();
    }
}
