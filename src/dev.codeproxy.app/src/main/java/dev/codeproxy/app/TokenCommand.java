package dev.codeproxy.app;

import dev.codeproxy.store.TokenRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code code-proxy token list|create|revoke}: client tokens for the proxy path besides the
 * generated one. A created token is shown once; only its hash is stored.
 */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Manage client tokens for the proxy path.",
        subcommands = {TokenCommand.ListCmd.class, TokenCommand.CreateCmd.class, TokenCommand.RevokeCmd.class})
final class TokenCommand implements Callable<Integer> {
    TokenCommand(Cli.Context ctx) {
    }

    @Override
    public Integer call() {
        throw new UsageError("token: missing subcommand; expected one of list, create, revoke");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List valid client tokens (masked) with their last use.")
    static final class ListCmd extends StoreCommand {
        ListCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        int run(Store store) {
            List<TokenRepository.StoredToken> all = new TokenRepository(store.db).list();
            Path file = dataDir.resolve(ctx.env()).resolve("client-token");
            ctx.out().println(Files.exists(file) ? "the generated token: in " + file + " (or "
                    + Env.CLIENT_TOKEN + ")" : "the generated token: not created yet; the first code-proxy serve "
                    + "writes it to " + file + " (or set " + Env.CLIENT_TOKEN + ")");
            if (all.isEmpty()) {
                ctx.out().println("no other tokens; create one with: code-proxy token create NAME");
                return 0;
            }
            String fmt = "%-5s %-24s %-18s %-20s %s%n";
            ctx.out().printf(fmt, "ID", "NAME", "TOKEN", "CREATED", "LAST USED");
            for (var t : all) {
                ctx.out().printf(fmt, t.id(), t.name(), t.masked(), when(t.createdAtEpochMs()),
                        t.lastUsedAtEpochMs() > 0 ? when(t.lastUsedAtEpochMs()) : "never");
            }
            return 0;
        }

        private static String when(long ms) {
            return Instant.ofEpochMilli(ms).toString().substring(0, 19).replace('T', ' ');
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a client token (shown once).")
    static final class CreateCmd extends StoreCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Who or what uses it, e.g. laptop-ci.")
        String name;

        CreateCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        boolean needsExisting() {
            return false;
        }

        @Override
        int run(Store store) {
            TokenRepository repo = new TokenRepository(store.db);
            String problem = repo.nameProblem(name);
            if (problem != null) {
                String msg = "token create: NAME: " + problem;
                throw problem.contains("already") ? new CommandFailure(msg) : new UsageError(msg);
            }
            var created = repo.create(name.strip());
            ctx.err().println("created token '" + created.stored().name() + "' (id " + created.stored().id()
                    + "); it is shown once, store it now:");
            ctx.out().println(created.token());
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a client token by id or name.")
    static final class RevokeCmd extends StoreCommand {
        @Parameters(index = "0", paramLabel = "ID|NAME", description = "The token's id or name (see token list).")
        String which;

        RevokeCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        int run(Store store) {
            TokenRepository repo = new TokenRepository(store.db);
            var match = repo.list().stream()
                    .filter(t -> String.valueOf(t.id()).equals(which.strip()) || t.name().equalsIgnoreCase(which.strip()))
                    .findFirst()
                    .orElseThrow(() -> new CommandFailure("token revoke: no active token with id or name '" + which
                            + "' (see code-proxy token list)"));
            repo.revoke(match.id());
            ctx.out().println("revoked token '" + match.name() + "' (id " + match.id() + ")");
            return 0;
        }
    }
}
