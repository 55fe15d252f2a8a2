package dev.codeproxy.app;

import dev.codeproxy.claude.ClaudeSettings;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where Code Proxy keeps its data by default, per platform (see the README). The home directory is
 * {@code $HOME} when set (as for {@code ~/.claude}), not the passwd entry behind {@code user.home}:
 * with {@code HOME} pointed elsewhere both follow it. A relative {@code XDG_DATA_HOME} is ignored,
 * as the XDG Base Directory spec says.
 */
final class AppPaths {
    private AppPaths() {
    }

    static Path defaultDataDir(Map<String, String> env) {
        return defaultDataDir(env, System.getProperty("os.name", ""));
    }

    static Path defaultDataDir(Map<String, String> env, String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        String home = home(env);
        if (os.contains("win")) {
            String appData = env.get("APPDATA");
            return Path.of(appData != null && !appData.isBlank() ? appData : home, "code-proxy");
        }
        if (os.contains("mac")) {
            return Path.of(home, "Library", "Application Support", "code-proxy");
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "code-proxy");
        }
        return Path.of(home, ".local", "share", "code-proxy");
    }

    /** The home directory exactly as for Claude Code's {@code ~/.claude}. */
    static String home(Map<String, String> env) {
        return ClaudeSettings.userHome(env).toString();
    }
}
