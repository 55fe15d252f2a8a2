package dev.codeproxy.proxy;

import dev.codeproxy.core.usage.UsageScanner;
import dev.codeproxy.core.wire.Json;
import jakarta.json.stream.JsonParser;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Is a 2xx non-streaming body usable? Empty or not-JSON bodies fail over (a broken gateway, an HTML
 * error page). Not on the hot path: the exchange checks a plain answer (identity, which is what it
 * asks for) with {@link UsageScanner#json} while reading its usage, and comes here only for an
 * upstream that compressed its answer anyway; that is inflated as a stream into JSON-P's parser,
 * so a small body that inflates to gigabytes costs time but never memory.
 */
final class ResponseCheck {
    private ResponseCheck() {
    }

    static boolean isJson(byte[] body, String contentEncoding) {
        if (body.length == 0) {
            return false;
        }
        String enc = contentEncoding == null ? "identity" : contentEncoding.strip().toLowerCase(Locale.ROOT);
        if (enc.equals("identity") || enc.isEmpty()) {
            // the byte-level check the exchange makes of a plain answer
            return new UsageScanner().json(body);
        }
        try (InputStream in = switch (enc) {
            case "gzip", "x-gzip" -> new GZIPInputStream(new ByteArrayInputStream(body));
            case "deflate" -> new InflaterInputStream(new ByteArrayInputStream(body));
            default -> null;
        }) {
            if (in == null) {
                // an encoding we cannot read (br, zstd): trust a non-empty body
                return true;
            }
            try (JsonParser p = Json.provider().createParser(in)) {
                if (!p.hasNext()) {
                    return false;
                }
                while (p.hasNext()) {
                    p.next();
                }
                return true;
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
