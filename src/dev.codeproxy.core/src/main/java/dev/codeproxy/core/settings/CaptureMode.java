package dev.codeproxy.core.settings;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Which bodies the request log keeps: every request's, only failed ones', or none. */
public enum CaptureMode {
    ALL, ERRORS, NONE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<CaptureMode> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        for (CaptureMode m : values()) {
            if (m.wire().equalsIgnoreCase(s.trim())) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    static String accepted() {
        return Arrays.stream(values()).map(CaptureMode::wire).collect(Collectors.joining(", "));
    }
}
