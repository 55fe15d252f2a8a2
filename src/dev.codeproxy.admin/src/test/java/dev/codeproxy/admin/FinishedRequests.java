package dev.codeproxy.admin;

import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.usage.Usage;

import java.util.List;
import java.util.Map;

/** Finished-request records for the admin unit tests (the proxy hands these over once a request ends). */
public final class FinishedRequests {
    private FinishedRequests() {
    }

    /** A finished request; {@code error} null means it succeeded. */
    public static RequestRecord finished(long id, String path, String endpoint, String model, String sentModel,
                                         int status, Usage usage, boolean failedOver, long totalMs, long firstTokenMs,
                                         String error) {
        return new RequestRecord(id, 1_764_000_000_000L + id, "POST", path, null, model, sentModel, true, status,
                endpoint, failedOver ? 2 : 1, failedOver, 120, firstTokenMs, totalMs, usage, error, List.of(), Map.of(),
                Map.of(), Map.of(), null, false, null, false, null, null, null, null);
    }

    /** A successful streamed request of {@code model} on {@code endpoint}. */
    public static RequestRecord ok(long id, String endpoint, String model, Usage usage) {
        return finished(id, "/v1/messages", endpoint, model, null, 200, usage, false, 1_500, 400, null);
    }
}
