package dev.codeproxy.core.pricing;

import java.util.Locale;
import java.util.Objects;

/**
 * A user's price for a model id, layered over the bundled table.
 *
 * @param pattern an exact model id ({@code glm-4.6}), or a prefix ending in {@code *}
 *                ({@code glm-*}, {@code claude-opus-4-8*}); compared case-insensitively
 */
public record PriceOverride(String pattern, ModelPrice price) {
    public PriceOverride {
        Objects.requireNonNull(price, "price");
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("price override model is empty; expected a model id, or a prefix ending in *");
        }
        pattern = pattern.strip().toLowerCase(Locale.ROOT);
        if (pattern.equals("*")) {
            throw new IllegalArgumentException("price override '*' would price every model; expected a model id, or a "
                    + "prefix ending in * such as glm-*");
        }
        if (pattern.indexOf('*') >= 0 && pattern.indexOf('*') != pattern.length() - 1) {
            throw new IllegalArgumentException("price override '" + pattern + "' has * inside; only a trailing * (prefix) "
                    + "is accepted");
        }
    }

    public boolean isPrefix() {
        return pattern.endsWith("*");
    }

    /** The pattern without its trailing {@code *}. */
    public String stem() {
        return isPrefix() ? pattern.substring(0, pattern.length() - 1) : pattern;
    }

    boolean matches(String normalizedModel) {
        return isPrefix() ? normalizedModel.startsWith(stem()) : normalizedModel.equals(pattern);
    }
}
