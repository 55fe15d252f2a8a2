package dev.codeproxy.admin.statusline;

import dev.codeproxy.proxy.TokenCheck;
import dev.codeproxy.store.usage.Block;
import dev.codeproxy.store.usage.SessionUsage;
import dev.codeproxy.store.usage.UsageQueries;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /_/statusline?session=<id>}: one line for Claude Code's {@code statusLine} command,
 * authorized by a client token like {@code /v1} ({@code x-api-key} or {@code authorization:
 * Bearer}), e.g. {@code ⇄ anthropic · session $0.42 · today $3.10 · block $1.25, 2h05m left}:
 * the endpoint serving the session (its latest served request, else the endpoint the next request
 * would go to), the session's cost, today's cost and the active 5-hour block's cost and time left.
 * Plain text, never cached; the launcher prints it as it is.
 */
public final class StatuslineService implements HttpService {
    public static final String PATH = "/_/statusline";
    private static final HeaderName X_API_KEY = HeaderNames.create("x-api-key");

    private final UsageQueries usage;
    private final TokenCheck tokens;
    private final Supplier<String> nextEndpoint;

    /**
     * @param tokens       the client tokens that open {@code /v1}
     * @param nextEndpoint the endpoint a new request would be sent to now, or null when none is available
     */
    public StatuslineService(UsageQueries usage, TokenCheck tokens, Supplier<String> nextEndpoint) {
        this.usage = usage;
        this.tokens = tokens;
        this.nextEndpoint = nextEndpoint;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(PATH, this::line);
    }

    private void line(ServerRequest req, ServerResponse res) {
        String token = token(req);
        if (token == null || !tokens.valid(token)) {
            send(res, 401, "code-proxy: a client token is required (x-api-key or authorization: Bearer), as for /v1");
            return;
        }
        String session = req.query().first("session").orElse("").strip();
        if (session.length() > 128 || !session.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            send(res, 400, "code-proxy: session: expected a Claude Code session id (up to 128 printable characters)");
            return;
        }
        Optional<SessionUsage> s = session.isEmpty() ? Optional.empty() : usage.session(session);
        String endpoint = s.map(SessionUsage::lastEndpoint).filter(e -> !e.isEmpty()).orElseGet(nextEndpoint);
        StringBuilder sb = new StringBuilder();
        sb.append("⇄ ").append(endpoint == null ? "no endpoint available" : endpoint);
        sb.append(" · session ").append(usd(s.map(SessionUsage::costMicros).orElse(0L)));
        sb.append(" · today ").append(usd(usage.todayCostMicros()));
        Optional<Block> b = usage.activeBlock();
        if (b.isPresent()) {
            long left = b.get().projection().remainingMinutes();
            sb.append(" · block ").append(usd(b.get().costMicros())).append(", ").append(left / 60).append('h')
                    .append(String.format("%02d", left % 60)).append("m left");
        } else {
            sb.append(" · no active block");
        }
        send(res, 200, sb.toString());
    }

    private static String token(ServerRequest req) {
        var h = req.headers();
        if (h.contains(X_API_KEY)) {
            return h.first(X_API_KEY).map(String::strip).orElse(null);
        }
        String auth = h.first(HeaderNames.AUTHORIZATION).orElse(null);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).strip();
        }
        return null;
    }

    /** Dollars with 2 decimals ($0.42), rounded half up. */
    static String usd(long micros) {
        return "$" + BigDecimal.valueOf(micros, 6).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static void send(ServerResponse res, int status, String line) {
        res.status(Status.create(status));
        res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8"));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(line + "\n");
    }
}
