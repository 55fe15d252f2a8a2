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
        validate();
        var dir = dataDir.resolve(ctx.env());
        var url = dataDir.databaseUrl(ctx.env());
        try (Store store = needsExisting() ? Store.existing(dir, dataDir.source(ctx.env()), url) : new Store(dir, url)) {
            return run(store);
        }
    }

    /**
     * True for commands that only read, or change what must already be there: they never create a
     * data directory (a mistyped --data-dir is an error, not an empty list).
     */
    boolean needsExisting() {
        return true;
    }

    /** Checks the arguments before anything is opened or created (usage errors store nothing). */
    void validate() {
    }

    abstract int run(Store store) throws Exception;

    /** The words this command's messages start with, e.g. {@code usage daily} (see {@link Cli#commandName}). */
    final String commandName() {
        return Cli.commandName(getClass());
    }
}
