package dev.codeproxy.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Where Code Proxy keeps its data by default, per platform (see the README). */
final class AppPaths {
    private AppPaths() {
    }

    static Path defaultDataDir(Map<String, String> env) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String home = System.getProperty("user.home");
        if (os.contains("win")) {
            String appData = env.get("APPDATA");
            return Path.of(appData != null && !appData.isBlank() ? appData : home, "code-proxy");
        }
        if (os.contains("mac")) {
            return Path.of(home, "Library", "Application Support", "code-proxy");
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "code-proxy");
        }
        return Path.of(home, ".local", "share", "code-proxy");
    }
}
