package dev.codeproxy.admin.live;

import dev.codeproxy.admin.api.dto.LiveDtos;
import dev.codeproxy.admin.api.dto.LogDtos;
import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.pricing.Cost;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.secret.Credentials;

/** ProxyEvent fields as the live channel and the API name them. */
public final class LiveMessages {
    private LiveMessages() {
    }

    static LiveDtos.Completed completed(RequestRecord r, PriceTable prices, String instance) {
        Cost cost = Cost.of(r, prices);
        String query = Credentials.query(r.query());
        return new LiveDtos.Completed("completed", new LogDtos.Entry(r.id(), r.startedAtEpochMs(), r.method(),
                Credentials.path(r.path()), query == null || query.isEmpty() ? null : query, r.model(),
                r.sentModel(), r.stream(), r.status(), r.endpoint(), r.attempts(), r.failedOver(), r.outcomeClass(),
                r.headersMs(), r.firstTokenMs(), r.totalMs(), Shared.Tokens.of(r.usage()), cost.micros(), cost.priced(),
                r.error(), true, r.route(), instance));
    }

    /** The breaker's {@code closed} is shown as {@code healthy}; the other states keep their names. */
    public static String stateName(String breakerState) {
        return "closed".equals(breakerState) ? "healthy" : breakerState;
    }
}
