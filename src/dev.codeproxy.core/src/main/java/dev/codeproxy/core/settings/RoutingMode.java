package dev.codeproxy.core.settings;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The routing strategy setting. {@code failover} is the default: it keeps one upstream's prompt cache warm. */
public enum RoutingMode {
    FAILOVER,
    WEIGHTED,
    SESSION;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<RoutingMode> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        for (RoutingMode m : values()) {
            if (m.wire().equalsIgnoreCase(s.trim())) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    static String accepted() {
        return Arrays.stream(values()).map(RoutingMode::wire).collect(Collectors.joining(", "));
    }
}
