package dev.codeproxy.core.config;

/** Constants of the versioned import/export format. */
final class ConfigFormat {
    /** The current format marker written on export and required on import of our own files. */
    static final String FORMAT = "code-proxy/1";
    /** The seed (Flutter) app's export marker. */
    static final String SEED_VERSION = "1.0";

    private ConfigFormat() {
    }
}
