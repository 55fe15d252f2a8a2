package dev.codeproxy.core.config;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.routes.RouteException;
import dev.codeproxy.core.routes.Routes;
import dev.codeproxy.core.settings.SettingKey;

import java.util.ArrayList;
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

    /**
     * The file's routes that name an endpoint which will not exist once the file is applied
     * (the file's endpoints, plus the stored ones on a merge), as {@code $.settings.routes[i]...}
     * problems; empty when the file has no routes or they are all fine.
     */
    public List<String> routeProblems(List<String> storedNames, boolean replace) {
        String routes = settings.get(SettingKey.ROUTES.key());
        if (routes == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        endpoints.forEach(e -> names.add(e.name()));
        if (!replace) {
            names.addAll(storedNames);
        }
        try {
            Routes.parse(routes, names);
            return List.of();
        } catch (RouteException e) {
            List<String> out = new ArrayList<>();
            e.problems().forEach((k, v) -> out.add("$.settings." + k + ": " + v));
            return out;
        }
    }
}
