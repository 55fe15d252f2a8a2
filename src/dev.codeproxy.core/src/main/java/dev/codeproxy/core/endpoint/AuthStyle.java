package dev.codeproxy.core.endpoint;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/** How an endpoint expects its API key: {@code x-api-key: KEY} (default) or {@code authorization: Bearer KEY}. */
public enum AuthStyle {
    X_API_KEY("x-api-key"),
    BEARER("bearer");

    private final String wire;

    AuthStyle(String wire) {
        this.wire = wire;
    }

    /** The value used in config files and the API. */
    public String wire() {
        return wire;
    }

    /**
     * Puts {@code key} in the header this style names: {@code x-api-key: KEY} or
     * {@code authorization: Bearer KEY}; nothing for an empty key. The one auth-header rule: the
     * proxy's upstream requests, the endpoint test and the doctor all send the key through it.
     */
    public void credential(String key, BiConsumer<String, String> header) {
        if (key == null || key.isEmpty()) {
            return;
        }
        if (this == BEARER) {
            header.accept("authorization", "Bearer " + key);
        } else {
            header.accept("x-api-key", key);
        }
    }

    public static Optional<AuthStyle> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        for (AuthStyle a : values()) {
            if (a.wire.equalsIgnoreCase(s.trim())) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    public static String accepted() {
        return Arrays.stream(values()).map(a -> "\"" + a.wire + "\"").collect(Collectors.joining(" or "));
    }
}
