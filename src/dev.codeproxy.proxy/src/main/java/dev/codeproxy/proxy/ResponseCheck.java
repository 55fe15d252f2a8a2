package dev.codeproxy.proxy;

import dev.codeproxy.core.wire.Json;
import jakarta.json.stream.JsonParser;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/** Is a 2xx non-streaming body usable? Empty or not-JSON bodies fail over (a broken gateway, an HTML error page). */
final class ResponseCheck {
    private ResponseCheck() {
    }

    static boolean isJson(byte[] body, String contentEncoding) {
        if (body.length == 0) {
            return false;
        }
        String enc = contentEncoding == null ? "identity" : contentEncoding.strip().toLowerCase(Locale.ROOT);
        try (InputStream in = switch (enc) {
            case "identity", "" -> new ByteArrayInputStream(body);
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
