package dev.codeproxy.app;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code code-proxy version}. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version.")
final class VersionCommand implements Callable<Integer> {
    private final Cli.Context ctx;

    VersionCommand(Cli.Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ctx.out().println("code-proxy " + Version.get());
        return 0;
    }
}
