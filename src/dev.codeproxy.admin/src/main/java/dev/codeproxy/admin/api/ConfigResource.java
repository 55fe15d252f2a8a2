package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.ConfigDtos;
import dev.codeproxy.core.config.ConfigException;
import dev.codeproxy.core.config.ConfigFile;
import dev.codeproxy.core.config.ConfigParser;
import dev.codeproxy.core.config.ConfigWriter;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.SelfLoop;
import dev.codeproxy.core.settings.SettingKey;
import dev.codeproxy.core.settings.Settings;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /_/api/export?secrets=} and {@code POST /_/api/import?mode=merge|replace&dryRun=}: the
 * command line's file format and checks ({@link ConfigParser}, {@link ConfigWriter}). A refused
 * file lists every problem with its JSON path; a dry run says what an import would change.
 * Keys are in an export only when {@code secrets=true} is asked for explicitly.
 */
public final class ConfigResource implements HttpService {
    private final Services s;

    public ConfigResource(Services services) {
        this.s = services;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/export", Api.guard(this::export))
                .post("/import", Api.guard(this::importFile));
    }

    private void export(ServerRequest req, ServerResponse res) {
        boolean secrets = Api.flag(req, "secrets", false);
        String json = ConfigWriter.write(s.config().settings(), s.config().endpoints(), secrets, s.clock().instant());
        res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"code-proxy-config.json\"");
        res.send(json.getBytes(StandardCharsets.UTF_8));
    }

    private void importFile(ServerRequest req, ServerResponse res) {
        String mode = Api.query(req, "mode");
        mode = mode == null ? "merge" : mode.toLowerCase(Locale.ROOT);
        if (!mode.equals("merge") && !mode.equals("replace")) {
            throw ApiException.invalid("mode", "'" + Api.clip(mode) + "' is not accepted; expected merge or replace");
        }
        boolean replace = mode.equals("replace");
        boolean dryRun = Api.flag(req, "dryRun", false);
        String text = Api.text(req);
        ConfigFile file;
        try {
            file = ConfigParser.parse(text);
        } catch (ConfigException e) {
            refuse(e.problems());
            return;
        }
        List<String> loops = new ArrayList<>();
        Settings current = s.config().settings();
        for (int i = 0; i < file.endpoints().size(); i++) {
            String url = file.endpoints().get(i).baseUrl();
            if (SelfLoop.pointsAtProxy(url, s.server().host(), s.server().port())
                    || SelfLoop.pointsAtProxy(url, current.host(), current.port())) {
                loops.add("$.endpoints[" + i + "].baseUrl: " + SelfLoop.message(url, s.server().port()));
            }
        }
        loops.addAll(file.routeProblems(s.config().endpoints().stream().map(e -> e.name()).toList(), replace));
        if (!loops.isEmpty()) {
            refuse(loops);
            return;
        }
        ConfigDtos.Preview preview = preview(file, replace, !dryRun, current);
        if (!dryRun) {
            if (!file.settings().isEmpty()) {
                s.config().settingsRepository().putAll(file.settings());
            }
            s.config().endpointRepository().importAll(file.endpoints(), replace);
            s.config().reload();
        }
        Api.ok(res, preview);
    }

    private static void refuse(List<String> problems) {
        List<ConfigDtos.Problem> list = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        for (String p : problems) {
            int at = p.indexOf(": ");
            String path = p.startsWith("$") && at > 0 ? p.substring(0, at) : "$";
            String message = p.startsWith("$") && at > 0 ? p.substring(at + 2) : p;
            list.add(new ConfigDtos.Problem(path, message));
            fields.putIfAbsent(path, message);
        }
        String message = "import refused: " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                + "; nothing was changed";
        throw new ApiException(400, message, fields, new ConfigDtos.Refused(message, fields, list));
    }

    private ConfigDtos.Preview preview(ConfigFile file, boolean replace, boolean applied, Settings current) {
        Map<String, String> now = current.toMap();
        List<ConfigDtos.SettingChange> settings = new ArrayList<>();
        file.settings().forEach((k, v) -> {
            if (!v.equals(now.get(k))) {
                settings.add(new ConfigDtos.SettingChange(k, now.get(k), v));
            }
        });
        String host = file.settings().get(SettingKey.HOST.key());
        String port = file.settings().get(SettingKey.PORT.key());
        boolean restart = (host != null && !host.equalsIgnoreCase(s.server().host()))
                || (port != null && Integer.parseInt(port) != s.server().port());
        Map<String, Endpoint> existing = new HashMap<>();
        for (Endpoint e : s.config().endpoints()) {
            existing.put(e.name().toLowerCase(Locale.ROOT), e);
        }
        List<String> added = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        Set<String> inFile = new HashSet<>();
        for (Endpoint e : file.endpoints()) {
            String k = e.name().toLowerCase(Locale.ROOT);
            inFile.add(k);
            Endpoint old = existing.get(k);
            if (old == null) {
                added.add(e.name());
            } else if (same(old, e)) {
                unchanged.add(e.name());
            } else {
                updated.add(e.name());
            }
        }
        List<String> removed = new ArrayList<>();
        for (Endpoint e : s.config().endpoints()) {
            if (!inFile.contains(e.name().toLowerCase(Locale.ROOT))) {
                (replace ? removed : unchanged).add(e.name());
            }
        }
        return new ConfigDtos.Preview(applied, replace ? "replace" : "merge", settings, added, updated, removed, unchanged,
                file.warnings(), restart);
    }

    /** Whether importing {@code e} over {@code old} changes nothing (an empty key keeps the stored key). */
    private static boolean same(Endpoint old, Endpoint e) {
        String key = e.apiKey().isEmpty() ? old.apiKey() : e.apiKey();
        return old.name().equals(e.name()) && old.note().equals(e.note()) && old.enabled() == e.enabled()
                && old.priority() == e.priority() && old.weight() == e.weight() && old.baseUrl().equals(e.baseUrl())
                && old.apiKey().equals(key) && old.authStyle() == e.authStyle() && old.timeoutMs() == e.timeoutMs()
                && old.headersTimeoutMs() == e.headersTimeoutMs()
                && old.models().equals(e.models()) && old.disableNonessentialTraffic() == e.disableNonessentialTraffic()
                && old.compat().equals(e.compat());
    }
}
