package dev.codeproxy.core.wire;

import jakarta.json.spi.JsonProvider;

/**
 * The one JSON string escaper for hand-built small documents on the hot path, and the one JSON-P
 * provider: {@code jakarta.json.Json.createParser} and friends look the provider up with a
 * {@link java.util.ServiceLoader} on every call (3% of the proxy's samples under load), so the
 * hot path asks this holder instead, which looked it up once.
 */
public final class Json {
    private static final JsonProvider PROVIDER = JsonProvider.provider();

    private Json() {
    }

    /** The JSON-P provider, found once. */
    public static JsonProvider provider() {
        return PROVIDER;
    }

    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
