package dev.codeproxy.app;

import dev.codeproxy.claude.ClaudeEnv;
import dev.codeproxy.claude.ClaudeSettings;
import dev.codeproxy.claude.ClaudeSettingsException;
import dev.codeproxy.claude.HeldByAnotherProxy;
import dev.codeproxy.claude.LedgerLock;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.secret.Secrets;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.store.DataDir;
import dev.codeproxy.store.InstanceLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code code-proxy claude status|apply|restore}: the env block of Claude Code's settings.json. */
@Command(name = "claude", mixinStandardHelpOptions = true,
        description = "Point Claude Code at the proxy (the env block of its settings.json), or take it back.",
        subcommands = {ClaudeCommand.StatusCmd.class, ClaudeCommand.ApplyCmd.class, ClaudeCommand.RestoreCmd.class})
final class ClaudeCommand implements Callable<Integer> {
    private final Cli.Context ctx;

    ClaudeCommand(Cli.Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        throw new UsageError("claude: missing subcommand; expected one of status, apply, restore");
    }

    /** The --claude-config-dir option every subcommand shares. */
    static final class ConfigDirOption {
        @Option(names = "--claude-config-dir", paramLabel = "DIR",
                description = "Claude Code's config directory holding settings.json (default: $CLAUDE_CONFIG_DIR, "
                        + "else ~/.claude).")
        Path dir;
    }

    /** Shared shape: the data directory, the config directory, file problems as one-line usage errors. */
    abstract static class Sub implements Callable<Integer> {
        final Cli.Context ctx;

        @Mixin
        Cli.DataDirOption dataDir = new Cli.DataDirOption();

        @Mixin
        ConfigDirOption configDir = new ConfigDirOption();

        Sub(Cli.Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Path data = dataDir.resolve(ctx.env());
            LedgerLock.ownerOnly(data);
            try {
                return run(data);
            } catch (HeldByAnotherProxy e) {
                // not a usage error: another instance holds the file
                throw new CommandFailure(Cli.commandName(getClass()) + ": " + Cli.oneLine(e.getMessage()));
            } catch (ClaudeSettingsException e) {
                // the user's file is malformed (or the like): it was left as it is
                throw new CommandFailure(Cli.commandName(getClass()) + ": " + Cli.oneLine(e.getMessage()));
            } finally {
                LedgerLock.ownerOnly(data);
            }
        }

        ClaudeSettings claude(Path data) {
            Map<String, String> env = ctx.env().all();
            // another data directory's instance counts as running while its lock is held
            return new ClaudeSettings(ClaudeSettings.resolveDir(configDir.dir == null ? null : configDir.dir.toString(),
                    env, ClaudeSettings.userHome(env)), data, new ClaudeSettings.Owner(ProcessHandle.current().pid(),
                    null, InstanceLock::isServing));
        }

        abstract int run(Path data);
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show whether Claude Code's settings.json carries the proxy's keys.")
    static final class StatusCmd extends Sub {
        StatusCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        int run(Path data) {
            ClaudeSettings.Status st = claude(data).status();
            PrintStream out = ctx.out();
            out.println("Claude Code settings: " + st.file()
                    + (st.realFile().equals(st.file()) ? "" : " -> " + st.realFile()));
            out.println("  file:      " + (st.problem() != null ? "cannot be edited: " + st.problem()
                    : st.fileExists() ? "ok" : "does not exist"));
            ClaudeSettings cs = claude(data);
            cs.heldByOther().ifPresent(who -> out.println("  held by:   another Code Proxy (" + who + ")"));
            if (!st.applied()) {
                out.println("  applied:   no (apply with: code-proxy claude apply)");
                return 0;
            }
            out.println("  applied:   yes (ledger " + st.ledger() + ")");
            for (ClaudeSettings.KeyStatus k : st.keys()) {
                out.printf("  %-42s %s%n", k.key(), switch (k.state()) {
                    case OURS -> "proxy's value" + (k.hadPrevious() ? " (your old value comes back on restore)" : "");
                    case CHANGED -> "changed since apply (kept on restore)";
                    case REMOVED -> "removed since apply";
                    case UNKNOWN -> "unknown (the file cannot be read)";
                });
            }
            if (!st.setAside().isEmpty()) {
                out.println("  set aside: " + String.join(", ", st.setAside()) + " (put back on restore)");
            }
            if (st.backup() != null) {
                out.println("  backup:    " + st.backup());
            }
            return 0;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Write the proxy's URL and client token (and the enabled Claude Code options) into the env "
                    + "block of Claude Code's settings.json; conflicting credentials are set aside until restore.")
    static final class ApplyCmd extends Sub {
        @Option(names = "--port", paramLabel = "P", description = "The proxy's port to write (default: the running "
                + "server's, else the stored port setting).")
        Integer port;

        ApplyCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        int run(Path data) {
            Settings s;
            List<Endpoint> endpoints;
            if (port != null && (port < 1 || port > 65535)) {
                throw new UsageError("claude apply: --port: '" + port + "' is not accepted; expected an integer from 1 "
                        + "to 65535");
            }
            try (Store store = new Store(data, dataDir.databaseUrl(ctx.env()))) {
                s = store.settings.load();
                endpoints = store.endpoints.list();
            }
            // --port, else the server running on this data directory, else the stored setting
            String url = port != null ? ClaudeEnv.proxyUrl(s.host(), port) : InstanceLock.running(data)
                    .map(InstanceLock.Info::url).orElse(null);
            if (url == null) {
                if (s.port() == 0) {
                    throw new CommandFailure("claude apply: no server runs on this data directory and the stored port "
                            + "is 0 (any free port), so there is no fixed URL for Claude Code; give --port P");
                }
                url = ClaudeEnv.proxyUrl(s.host(), s.port());
            }
            String token = ctx.env().get(Env.CLIENT_TOKEN) != null ? ctx.env().get(Env.CLIENT_TOKEN)
                    : DataDir.secret(data, "client-token", () -> Secrets.newToken("cp-"));
            LinkedHashMap<String, String> wanted = ClaudeEnv.wanted(s, endpoints, url, token);
            var top = ClaudeEnv.topLevel(s, ClaudeEnv.statusLineLauncher(), data);
            ClaudeSettings.ApplyResult r = claude(data).apply(wanted, top);
            PrintStream out = ctx.out();
            out.println("Claude Code settings: " + r.file() + (r.created() ? " (created)" : ""));
            for (String k : r.written()) {
                out.println("  set       " + (top.containsKey(k) ? k + "=" + top.get(k)
                        : ClaudeEnv.display(k, wanted.get(k))));
            }
            for (String k : r.unchanged()) {
                out.println("  unchanged " + (top.containsKey(k) ? k + "=" + top.get(k)
                        : ClaudeEnv.display(k, wanted.get(k))));
            }
            for (String k : r.reverted()) {
                out.println("  reverted  " + k + " (no longer configured)");
            }
            for (String k : r.setAside()) {
                out.println("  set aside " + k + " (it would bypass the proxy's client token; restore puts it back)");
            }
            if (r.backup() != null) {
                out.println("  backup:   " + r.backup());
            }
            out.println(r.changed() ? "Restart running Claude Code sessions to pick it up. Undo with: code-proxy claude restore"
                    : "Already up to date. Undo with: code-proxy claude restore");
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Take back exactly what apply (or a running proxy) wrote: keys you changed since stay as "
                    + "they are; set-aside credentials are put back.")
    static final class RestoreCmd extends Sub {
        RestoreCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        int run(Path data) {
            ClaudeSettings c = claude(data);
            ClaudeSettings.RestoreResult r = c.restore();
            PrintStream out = ctx.out();
            if (!r.wasApplied()) {
                out.println("Nothing to restore: Code Proxy has not changed Claude Code's settings (no "
                        + c.ledgerFile() + ")");
                return 0;
            }
            out.println("Claude Code settings: " + r.file());
            if (r.fileMissing()) {
                out.println("  the file is gone; nothing to revert");
            }
            for (String k : r.reverted()) {
                out.println("  reverted  " + k);
            }
            if (!r.fileMissing()) {
                for (String k : r.keptUser()) {
                    out.println("  kept      " + k + " (changed by you since apply)");
                }
            }
            for (String k : r.putBack()) {
                out.println("  put back  " + k);
            }
            for (String k : r.notPutBack()) {
                out.println("  not put back " + k + (r.fileMissing() ? " (the file is gone; see the backup)"
                        : " (you set it again since)"));
            }
            if (r.fileRemoved()) {
                out.println("  removed the file (Code Proxy had created it)");
            }
            return 0;
        }
    }
}
