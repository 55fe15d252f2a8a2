package dev.codeproxy.app;

import dev.codeproxy.admin.doctor.Check;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code code-proxy selftest}: the {@link Selftest} with the data directory's settings and
 * endpoints (read only; nothing is created), printed line by line as each scenario ends, or as
 * {@code {"checks":[...]}} with {@code --json}. Exit 0 when every scenario behaves as documented.
 */
@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = "Replay each upstream failure (429, 529, 500, reset, no headers, error event, cut stream, "
                + "empty 200, 401) against in-process fake endpoints with your settings; report what the client sees.")
final class SelftestCommand implements Callable<Integer> {
    private final Cli.Context ctx;

    @Mixin
    Cli.DataDirOption dataDir = new Cli.DataDirOption();

    @Option(names = "--json", description = "Print {\"checks\":[{\"name\",\"ok\",\"detail\",\"hint\"}]} instead of lines.")
    boolean json;

    SelftestCommand(Cli.Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir.resolve(ctx.env());
        Settings settings = Settings.DEFAULTS;
        List<Endpoint> endpoints = List.of();
        if (Files.isRegularFile(dir.resolve(Database.FILE_NAME))) {
            try (Store store = new Store(dir)) {
                settings = store.settings.load();
                endpoints = store.endpoints.list();
            }
        }
        Selftest.Setup setup = Selftest.setup(settings, endpoints);
        if (!json) {
            ctx.out().println("Self-test: " + Math.max(1, setup.endpoints().size()) + " in-process fake endpoint(s) "
                    + "standing in for yours, maxRetries " + setup.maxRetries() + ", retryCapMs " + setup.retryCapMs()
                    + "; the first endpoint fails once:");
        }
        List<Check> checks = Selftest.run(setup, json ? c -> { } : this::line);
        print(checks);
        return checks.stream().allMatch(Check::ok) ? 0 : 1;
    }

    private void line(Check c) {
        ctx.out().println(c.line());
    }

    private void print(List<Check> checks) {
        if (json) {
            ctx.out().println(Check.report(checks));
            return;
        }
        long wrong = checks.stream().filter(c -> !c.ok()).count();
        long seen = checks.stream().filter(c -> c.ok() && c.hint() != null).count();
        ctx.out().println((wrong == 0 ? "every scenario behaves as documented" : wrong + " scenario(s) do not behave as "
                + "documented") + "; " + seen + " of " + checks.size() + " would reach Claude Code as a failure "
                + "with these settings");
    }
}
