package dev.codeproxy.app;

import java.util.Map;

/** The CODE_PROXY_* environment overrides (flags beat these; these beat stored settings). */
final class Env {
    static final String HOST = "CODE_PROXY_HOST";
    static final String PORT = "CODE_PROXY_PORT";
    static final String DATA_DIR = "CODE_PROXY_DATA_DIR";
    static final String CLIENT_TOKEN = "CODE_PROXY_CLIENT_TOKEN";
    static final String ADMIN_TOKEN = "CODE_PROXY_ADMIN_TOKEN";
    static final String ALLOWED_HOSTS = "CODE_PROXY_ALLOWED_HOSTS";
    static final String DATABASE_URL = "CODE_PROXY_DATABASE_URL";

    private final Map<String, String> env;

    Env(Map<String, String> env) {
        this.env = env;
    }

    String get(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    Map<String, String> all() {
        return env;
    }
}
