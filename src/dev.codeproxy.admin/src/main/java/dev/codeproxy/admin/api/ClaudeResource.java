package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.ClaudeDtos;
import dev.codeproxy.claude.ClaudeSettings;
import dev.codeproxy.claude.ClaudeSettingsException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code /_/api/claude}: whether Claude Code's {@code settings.json} points at this proxy;
 * {@code POST /claude/apply} points it here now (restored when the server stops),
 * {@code POST /claude/restore} puts it back. Key names only: values (the client token) never appear.
 */
public final class ClaudeResource implements HttpService {
    private final Services s;

    public ClaudeResource(Services services) {
        this.s = services;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/claude", Api.guard(this::status))
                .post("/claude/apply", Api.guard(this::apply))
                .post("/claude/restore", Api.guard(this::restore));
    }

    private void status(ServerRequest req, ServerResponse res) {
        var cs = s.server().claudeSettings();
        if (cs.isEmpty()) {
            Api.ok(res, new ClaudeDtos.Status(false, off(), false, null, false, null, List.of(), List.of(), null));
            return;
        }
        ClaudeSettings.Status st = cs.get().status();
        List<ClaudeDtos.Key> keys = new ArrayList<>();
        st.keys().forEach(k -> keys.add(new ClaudeDtos.Key(k.key(), k.state().name().toLowerCase(Locale.ROOT),
                k.hadPrevious())));
        Api.ok(res, new ClaudeDtos.Status(true, null, st.applied(), str(st.file()), st.fileExists(), st.problem(), keys,
                st.setAside(), str(st.backup())));
    }

    private void apply(ServerRequest req, ServerResponse res) {
        available();
        try {
            ClaudeSettings.ApplyResult r = s.server().claudeApply();
            Api.ok(res, new ClaudeDtos.Applied(str(r.file()), r.created(), r.written(), r.unchanged(), r.reverted(),
                    r.setAside(), str(r.backup()), r.changed()));
        } catch (ClaudeSettingsException | UncheckedIOException e) {
            throw ApiException.conflict("Claude Code's settings were not changed: " + e.getMessage());
        }
    }

    private void restore(ServerRequest req, ServerResponse res) {
        available();
        try {
            ClaudeSettings.RestoreResult r = s.server().claudeRestore();
            Api.ok(res, new ClaudeDtos.Restored(str(r.file()), r.wasApplied(), r.reverted(), r.keptUser(), r.putBack(),
                    r.notPutBack(), r.fileRemoved(), r.fileMissing()));
        } catch (ClaudeSettingsException | UncheckedIOException e) {
            throw ApiException.conflict("Claude Code's settings were not restored: " + e.getMessage());
        }
    }

    private void available() {
        if (s.server().claudeSettings().isEmpty()) {
            throw ApiException.conflict(off());
        }
    }

    private static String off() {
        return "the Claude Code integration is off in this server (started with --no-claude-config)";
    }

    private static String str(Path p) {
        return p == null ? null : p.toString();
    }
}
