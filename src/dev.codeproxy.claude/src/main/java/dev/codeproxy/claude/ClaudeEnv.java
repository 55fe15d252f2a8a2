package dev.codeproxy.claude;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.settings.Settings;
import jakarta.json.Json;
import jakarta.json.JsonValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/** Which {@code env} keys Claude Code gets: the one place the server and the CLI both ask. */
public final class ClaudeEnv {
    static final String BASE_URL = "ANTHROPIC_BASE_URL";
    static final String AUTH_TOKEN = "ANTHROPIC_AUTH_TOKEN";
    static final String API_TIMEOUT_MS = "API_TIMEOUT_MS";
    static final String DISABLE_NONESSENTIAL_TRAFFIC = "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC";
    static final String MODEL = "ANTHROPIC_MODEL";
    static final String SMALL_FAST_MODEL = "ANTHROPIC_SMALL_FAST_MODEL";
    static final String HAIKU_MODEL = "ANTHROPIC_DEFAULT_HAIKU_MODEL";
    static final String SONNET_MODEL = "ANTHROPIC_DEFAULT_SONNET_MODEL";
    static final String OPUS_MODEL = "ANTHROPIC_DEFAULT_OPUS_MODEL";
    /** In {@code env}: a key Claude Code would send instead of our token; set aside while applied. */
    static final String API_KEY = "ANTHROPIC_API_KEY";
    /** Top level: a helper whose key Claude Code would send instead of our token; set aside while applied. */
    static final String API_KEY_HELPER = "apiKeyHelper";

    /** Top level: Claude Code's status line command, set (opt-in) only where the user has none. */
    public static final String STATUS_LINE = "statusLine";
    /** The image's status line command, beside its {@code java} (sh and curl, no JVM). */
    public static final String STATUS_LINE_LAUNCHER = "code-proxy-statusline";

    private static final Set<String> SECRET = Set.of(AUTH_TOKEN, API_KEY);

    private ClaudeEnv() {
    }

    /**
     * The keys to merge into Claude Code's {@code env}, in the order they are written.
     * {@code ANTHROPIC_BASE_URL} and {@code ANTHROPIC_AUTH_TOKEN} always; {@code API_TIMEOUT_MS}
     * when the setting is above 0; {@code CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1} when the
     * setting is on or the first enabled endpoint (lowest priority number) asks for it; each model
     * key when its setting is not blank.
     *
     * @param settings  the proxy's settings
     * @param endpoints every endpoint (disabled ones are ignored)
     * @param url       the proxy's base URL, see {@link #proxyUrl(String, int)}
     * @param token     the client token
     */
    public static LinkedHashMap<String, String> wanted(Settings settings, List<Endpoint> endpoints, String url,
                                                      String token) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        m.put(BASE_URL, url);
        m.put(AUTH_TOKEN, token);
        if (settings.claudeApiTimeoutMs() > 0) {
            m.put(API_TIMEOUT_MS, Long.toString(settings.claudeApiTimeoutMs()));
        }
        boolean firstWantsQuiet = endpoints.stream()
                .filter(Endpoint::enabled)
                .min(Comparator.comparingInt(Endpoint::priority).thenComparingLong(Endpoint::id))
                .map(Endpoint::disableNonessentialTraffic)
                .orElse(false);
        if (settings.claudeDisableNonessentialTraffic() || firstWantsQuiet) {
            m.put(DISABLE_NONESSENTIAL_TRAFFIC, "1");
        }
        putIfSet(m, MODEL, settings.claudeModel());
        putIfSet(m, SMALL_FAST_MODEL, settings.claudeSmallFastModel());
        putIfSet(m, HAIKU_MODEL, settings.claudeHaikuModel());
        putIfSet(m, SONNET_MODEL, settings.claudeSonnetModel());
        putIfSet(m, OPUS_MODEL, settings.claudeOpusModel());
        return m;
    }

    /**
     * The top-level keys to set where Claude Code's settings have none: {@code statusLine} when the
     * {@code claudeStatusLine} setting is on and the image's launcher is there ({@code launcher}
     * null: none, e.g. not running from the image). The command names the data directory, where
     * the launcher finds the running server's URL; the token comes from Claude Code's own
     * environment ({@code ANTHROPIC_AUTH_TOKEN}), never from the command line.
     */
    public static LinkedHashMap<String, JsonValue> topLevel(Settings settings, Path launcher,
                                                                       Path dataDir) {
        LinkedHashMap<String, JsonValue> m = new LinkedHashMap<>();
        if (settings.claudeStatusLine() && launcher != null) {
            m.put(STATUS_LINE, Json.createObjectBuilder()
                    .add("type", "command")
                    .add("command", shellQuote(launcher.toString()) + " --data-dir "
                            + shellQuote(dataDir.toAbsolutePath().toString()))
                    .build());
        }
        return m;
    }

    /** The status line launcher beside this runtime's {@code java} (the image's bin), or null when absent. */
    public static Path statusLineLauncher() {
        Path p = Path.of(System.getProperty("java.home"), "bin", STATUS_LINE_LAUNCHER);
        return Files.isExecutable(p) ? p : null;
    }

    /** A POSIX shell word: single-quoted, with embedded quotes as '\''. */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * The base URL Claude Code should use for a proxy listening on {@code host:port}: a wildcard
     * listen address becomes 127.0.0.1, an IPv6 address gets brackets. No {@code /v1}: Claude
     * Code appends it.
     */
    public static String proxyUrl(String host, int port) {
        String h = host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")
                ? "127.0.0.1" : host.strip();
        if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return "http://" + h + ":" + port;
    }

    /** Whether a key's value is a secret that must never be printed or logged. */
    static boolean isSecret(String key) {
        return SECRET.contains(key);
    }

    /** {@code KEY=value} for output, or {@code KEY=(hidden)} for a secret. */
    public static String display(String key, String value) {
        return key + "=" + (isSecret(key) ? "(hidden)" : value);
    }

    private static void putIfSet(LinkedHashMap<String, String> m, String key, String value) {
        if (value != null && !value.isBlank()) {
            m.put(key, value.strip());
        }
    }
}
