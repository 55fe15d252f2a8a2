package dev.codeproxy.store.log;

import dev.codeproxy.core.event.AttemptRecord;

import java.util.List;
import java.util.Map;

/**
 * Everything stored about one request. Headers are empty maps and bodies null once the details
 * were pruned ({@code entry.detailsKept()} false) or when the capture mode kept no body.
 *
 * @param requestBody  decompressed, as captured (secrets masked, capped at {@code maxBodyBytes})
 */
public record LogDetail(LogEntry entry,
                        List<AttemptRecord> attempts,
                        Map<String, List<String>> requestHeaders,
                        Map<String, List<String>> sentHeaders,
                        Map<String, List<String>> responseHeaders,
                        byte[] requestBody,
                        boolean requestBodyTruncated,
                        byte[] responseBody,
                        boolean responseBodyTruncated) {
}
