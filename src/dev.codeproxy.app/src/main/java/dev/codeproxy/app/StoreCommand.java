package dev.codeproxy.app;

import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** A command that works on the database of a data directory (--data-dir): opens it, runs, closes it. */
abstract class StoreCommand implements Callable<Integer> {
    final Cli.Context ctx;

    @Mixin
    Cli.DataDirOption dataDir = new Cli.DataDirOption();

    StoreCommand(Cli.Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public final Integer call() throws Exception {
        try (Store store = new Store(dataDir.resolve(ctx.env()))) {
            return run(store);
        }
    }

    abstract int run(Store store) throws Exception;
}
