package dev.codeproxy.core.endpoint;

import java.util.Objects;

/**
 * An endpoint's model mapping. Empty strings mean "not set"; a map with nothing set passes
 * the client's model through unchanged.
 *
 * @param defaultModel model for ids outside the Haiku / Sonnet / Opus families
 * @param smallFast    the small/fast model (Claude Code's session-title requests)
 * @param haiku        model for ids containing {@code haiku}
 * @param sonnet       model for ids containing {@code sonnet}
 * @param opus         model for ids containing {@code opus}
 */
public record ModelMap(String defaultModel, String smallFast, String haiku, String sonnet, String opus) {
    public static final ModelMap EMPTY = new ModelMap("", "", "", "", "");

    public ModelMap {
        defaultModel = Objects.requireNonNullElse(defaultModel, "").trim();
        smallFast = Objects.requireNonNullElse(smallFast, "").trim();
        haiku = Objects.requireNonNullElse(haiku, "").trim();
        sonnet = Objects.requireNonNullElse(sonnet, "").trim();
        opus = Objects.requireNonNullElse(opus, "").trim();
    }

    public boolean isEmpty() {
        return defaultModel.isEmpty() && smallFast.isEmpty() && haiku.isEmpty() && sonnet.isEmpty() && opus.isEmpty();
    }
}
