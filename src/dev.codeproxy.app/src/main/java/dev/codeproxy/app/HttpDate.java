package dev.codeproxy.app;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header in RFC 9110's IMF-fixdate form, two-digit day included
 * ({@code Fri, 04 Dec 2026 19:13:37 GMT}); Helidon's own writes {@code Fri, 4 Dec 2026 ...}
 * (Java's RFC_1123_DATE_TIME). Set before the routes run, so a proxied response's own headers can
 * still replace it. The formatted value is reused within a second.
 */
final class HttpDate implements Filter {
    static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final Clock clock;
    private volatile long second = -1;
    private volatile String value = "";

    HttpDate(Clock clock) {
        this.clock = clock;
    }

    String now() {
        long s = clock.millis() / 1000;
        if (s != second) {
            value = IMF_FIXDATE.format(Instant.ofEpochSecond(s));
            second = s;
        }
        return value;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header(HeaderNames.DATE, now());
        chain.proceed();
    }
}
