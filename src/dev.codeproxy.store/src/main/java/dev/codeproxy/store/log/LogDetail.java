package dev.codeproxy.store.log;

import dev.codeproxy.core.event.AttemptRecord;

import java.util.List;
import java.util.Map;

/**
 * Everything stored about one request. Headers are empty maps and bodies null once the details
 * were pruned ({@code entry.detailsKept()} false) or when the capture mode kept no body.
 *
 * @param requestBody  decompressed, as captured (secrets masked, capped at {@code maxBodyBytes}); a body
 *                     stored by parts is joined back byte for byte
 * @param messages     the request's messages against the previous request of its session; null when
 *                     its body is not stored by parts
 */
public record LogDetail(LogEntry entry,
                        List<AttemptRecord> attempts,
                        Map<String, List<String>> requestHeaders,
                        Map<String, List<String>> sentHeaders,
                        Map<String, List<String>> responseHeaders,
                        byte[] requestBody,
                        boolean requestBodyTruncated,
                        byte[] responseBody,
                        boolean responseBodyTruncated,
                        MessageDelta messages) {
}
