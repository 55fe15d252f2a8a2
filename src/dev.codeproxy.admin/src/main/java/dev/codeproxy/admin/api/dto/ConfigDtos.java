package dev.codeproxy.admin.api.dto;

import java.util.List;
import java.util.Map;

/** {@code /_/api/import}: what an import changes (dry run) or changed. */
public final class ConfigDtos {
    private ConfigDtos() {
    }

    /** @param path JSON path in the imported file, e.g. {@code $.endpoints[0].baseUrl} */
    public record Problem(String path, String message) {
    }

    /** @param fields the same problems keyed by path (the shape of every other API error) */
    public record Refused(String error, Map<String, String> fields, List<Problem> problems) {
    }

    public record SettingChange(String key, String from, String to) {
    }

    /**
     * @param applied         false for a dry run
     * @param added           endpoint names new to the configuration
     * @param updated         endpoints with that name that the file changes
     * @param removed         endpoints a {@code replace} drops
     * @param unchanged       endpoints the file leaves as they are
     * @param restartRequired the file changes host or port: the listener moves on the next start
     */
    public record Preview(boolean applied, String mode, List<SettingChange> settings, List<String> added,
                          List<String> updated, List<String> removed, List<String> unchanged, List<String> warnings,
                          boolean restartRequired) {
    }
}
