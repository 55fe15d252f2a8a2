package dev.codeproxy.core.config;

import dev.codeproxy.core.Endpoint;

import java.util.List;
import java.util.Map;

/**
 * A parsed import file.
 *
 * @param settings  the settings present in the file, as validated string forms keyed by setting key
 * @param endpoints the endpoints in file order; priorities are normalised to 1..n when the file gives none
 * @param warnings  notes for the user (e.g. seed-format keys that have no equivalent and were ignored)
 */
public record ConfigFile(Map<String, String> settings, List<Endpoint> endpoints, List<String> warnings) {
    public ConfigFile {
        settings = Map.copyOf(settings);
        endpoints = List.copyOf(endpoints);
        warnings = List.copyOf(warnings);
    }
}
