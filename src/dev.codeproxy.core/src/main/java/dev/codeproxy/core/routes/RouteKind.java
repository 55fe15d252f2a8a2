package dev.codeproxy.core.routes;

import dev.codeproxy.core.wire.RequestBody;

import java.util.Locale;

/**
 * The kinds of request a route can match. Each test reads only what {@link RequestBody} noted in
 * its one pass over the body (and one request header), so matching costs a few comparisons.
 *
 * <p>How Claude Code's requests are told apart (observed with the real CLI, see CLIENTS.md):
 * <ul>
 *   <li>{@link #BACKGROUND}: Claude Code's helper calls (session title, summaries, quota checks)
 *       offer no tools ({@code tools} absent or {@code []}) and have thinking off, while its main
 *       requests and subagents always offer tools; not a subagent;</li>
 *   <li>{@link #SUBAGENT}: a Task/Agent-tool subagent: the request carries the header
 *       {@code x-claude-code-agent-id}, or its system prompt starts with the billing block
 *       holding {@code cc_is_subagent=true};</li>
 *   <li>{@link #THINKING}: a {@code thinking} object whose type is not {@code disabled};</li>
 *   <li>{@link #LONG_CONTEXT}: estimated input tokens (body bytes / 4) at least the rule's
 *       {@code minInputTokens};</li>
 *   <li>{@link #WEB_SEARCH}: a tool whose type starts with {@code web_search} is offered;</li>
 *   <li>{@link #IMAGE}: the last message is the user's and holds image content;</li>
 *   <li>{@link #MODEL}: the model id contains the rule's substring (case-insensitive).</li>
 * </ul>
 */
public enum RouteKind {
    BACKGROUND("background"),
    THINKING("thinking"),
    LONG_CONTEXT("longContext"),
    WEB_SEARCH("webSearch"),
    IMAGE("image"),
    SUBAGENT("subagent"),
    MODEL("model:");

    private final String wire;

    RouteKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The accepted {@code match} values, for error messages. */
    public static String accepted() {
        return "background, thinking, longContext, webSearch, image, subagent or model:<substring>";
    }

    /** The kind a {@code match} value names, or null. */
    public static RouteKind of(String match) {
        if (match == null) {
            return null;
        }
        if (match.startsWith("model:")) {
            return MODEL;
        }
        for (RouteKind k : values()) {
            if (k != MODEL && k.wire.equals(match)) {
                return k;
            }
        }
        return null;
    }

    /** Whether a request is of this kind. */
    boolean test(Route rule, RequestBody body, boolean agentHeader) {
        return switch (this) {
            case BACKGROUND -> body.toolCount() == 0 && !body.thinking() && !agentHeader && !body.subagent()
                    && body.model() != null;
            case THINKING -> body.thinking();
            case LONG_CONTEXT -> body.estimatedInputTokens() >= rule.minInputTokens();
            case WEB_SEARCH -> body.webSearch();
            case IMAGE -> body.image();
            case SUBAGENT -> agentHeader || body.subagent();
            case MODEL -> body.model() != null && containsIgnoreCase(body.model(), rule.modelSubstring());
        };
    }

    private static boolean containsIgnoreCase(String s, String lowerNeedle) {
        int n = lowerNeedle.length();
        for (int i = 0; i + n <= s.length(); i++) {
            if (s.regionMatches(true, i, lowerNeedle, 0, n)) {
                return true;
            }
        }
        return false;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
