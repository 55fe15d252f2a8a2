package dev.codeproxy.core.endpoint;

import java.util.Arrays;
import java.util.Optional;
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
