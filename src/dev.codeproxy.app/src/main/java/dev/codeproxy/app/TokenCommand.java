package dev.codeproxy.app;

import dev.codeproxy.store.TokenLimits;
import dev.codeproxy.store.TokenMeter;
import dev.codeproxy.store.TokenRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code code-proxy token list|create|set|revoke}: client tokens for the proxy path besides the
 * generated one, with their limits (budget per UTC day or month, requests and tokens per minute,
 * allowed models, expiry). A created token is shown once; only its hash is stored.
 */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Manage client tokens for the proxy path.",
        subcommands = {TokenCommand.ListCmd.class, TokenCommand.CreateCmd.class, TokenCommand.RevokeCmd.class,
                TokenCommand.SetCmd.class})
final class TokenCommand implements Callable<Integer> {
    TokenCommand(Cli.Context ctx) {
    }

    @Override
    public Integer call() {
        throw new UsageError("token: missing subcommand; expected one of list, create, revoke, set");
    }

    /** The limit flags of {@code create} and {@code set}; each value is checked by {@link TokenLimits}. */
    static final class LimitOptions {
        @Option(names = "--owner", paramLabel = "WHO", description = "Who holds the token (one line).")
        String owner;
        @Option(names = "--budget-usd", paramLabel = "N", description = "Budget in dollars per period, e.g. 25 or 2.50.")
        String budget;
        @Option(names = "--period", paramLabel = "day|month", description = "The budget's period, UTC (default month).")
        String period;
        @Option(names = "--rpm", paramLabel = "N", description = "Requests per minute.")
        String rpm;
        @Option(names = "--tpm", paramLabel = "N", description = "Tokens per minute (input, output, cache writes).")
        String tpm;
        @Option(names = "--models", paramLabel = "a,b", description = "Allowed models: a request's model must contain "
                + "one of them.")
        String models;
        @Option(names = "--expires", paramLabel = "YYYY-MM-DD", description = "The token stops working at 00:00 UTC "
                + "that day.")
        String expires;

        /**
         * {@code base} with every given flag applied; {@code none} removes a limit when {@code allowNone}.
         *
         * @throws UsageError naming the flag and what it accepts
         */
        TokenLimits apply(TokenLimits base, String cmd, boolean allowNone) {
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            TokenLimits l = base;
            if (owner != null) {
                l = l.withOwner(parse(cmd, "--owner", owner, TokenLimits::checkOwner));
            }
            if (budget != null) {
                l = l.withBudget(none(budget, allowNone) ? 0 : parse(cmd, "--budget-usd", budget,
                        TokenLimits::parseBudgetUsd));
            }
            if (period != null) {
                l = l.withPeriod(parse(cmd, "--period", period, TokenLimits.Period::parse));
            }
            if (rpm != null) {
                l = l.withRpm(none(rpm, allowNone) ? 0 : parse(cmd, "--rpm", rpm, TokenLimits::parseRpm));
            }
            if (tpm != null) {
                l = l.withTpm(none(tpm, allowNone) ? 0 : parse(cmd, "--tpm", tpm, TokenLimits::parseTpm));
            }
            if (models != null) {
                l = l.withModels(none(models, allowNone) ? List.of() : parse(cmd, "--models", models,
                        TokenLimits::parseModels));
            }
            if (expires != null) {
                l = l.withExpires(none(expires, allowNone) ? null : parse(cmd, "--expires", expires,
                        s -> TokenLimits.parseExpires(s, today)));
            }
            return l;
        }

        boolean any() {
            return owner != null || budget != null || period != null || rpm != null || tpm != null || models != null
                    || expires != null;
        }

        private static boolean none(String v, boolean allowed) {
            return allowed && v.equals("none");
        }

        private static <T> T parse(String cmd, String flag, String value, Function<String, T> parser) {
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                throw new UsageError("token " + cmd + ": " + flag + " " + e.getMessage());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List valid client tokens (masked) with "
            + "their last use, limits and spend against budget.")
    static final class ListCmd extends StoreCommand {
        ListCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        int run(Store store) {
            TokenRepository repo = new TokenRepository(store.db);
            List<TokenRepository.StoredToken> all = repo.list();
            Path file = dataDir.resolve(ctx.env()).resolve("client-token");
            ctx.out().println(Files.exists(file) ? "the generated token: in " + file + " (or "
                    + Env.CLIENT_TOKEN + "), no limits" : "the generated token: not created yet; the first code-proxy "
                    + "serve writes it to " + file + " (or set " + Env.CLIENT_TOKEN + ")");
            if (all.isEmpty()) {
                ctx.out().println("no other tokens; create one with: code-proxy token create NAME");
                return 0;
            }
            TokenMeter meter = new TokenMeter(store.db);
            Instant now = Instant.now();
            TextTable t = new TextTable("ID", "NAME", "OWNER", "TOKEN", "CREATED", "LAST USED", "SPENT / BUDGET",
                    "THIS MINUTE", "MODELS", "EXPIRES");
            for (var tok : all) {
                TokenLimits l = tok.limits();
                String spend = "no budget";
                String minute = "no rate";
                if (l.metered()) {
                    TokenMeter.Usage u = meter.usage(tok.id(), l, now);
                    if (l.budgetMicros() > 0) {
                        spend = TokenLimits.dollars(u.spentMicros()) + " / " + TokenLimits.dollars(l.budgetMicros())
                                + " a " + l.period().wire() + " (" + percent(u.spentMicros(), l.budgetMicros())
                                + ", resets " + u.periodEnd().toString().substring(0, 10) + ")";
                    }
                    if (l.rpm() > 0 || l.tpm() > 0) {
                        minute = (l.rpm() > 0 ? u.requests() + "/" + l.rpm() + " requests" : u.requests() + " requests")
                                + ", " + (l.tpm() > 0 ? u.tokens() + "/" + l.tpm() + " tokens" : u.tokens() + " tokens");
                    }
                }
                t.row(String.valueOf(tok.id()), tok.name(), l.owner().isEmpty() ? "-" : l.owner(), tok.masked(),
                        when(tok.createdAtEpochMs()), tok.lastUsedAtEpochMs() > 0 ? when(tok.lastUsedAtEpochMs())
                                : "never", spend, minute, l.models().isEmpty() ? "all" : l.modelsText(),
                        l.expires() == null ? "never" : l.expires().toString());
            }
            ctx.out().print(t.render(""));
            return 0;
        }

        private static String percent(long spent, long budget) {
            return Math.round(100.0 * spent / budget) + " %";
        }

        private static String when(long ms) {
            return Instant.ofEpochMilli(ms).toString().substring(0, 19).replace('T', ' ');
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a client token (shown once), "
            + "with limits.")
    static final class CreateCmd extends StoreCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Who or what uses it, e.g. laptop-ci.")
        String name;
        @Mixin
        LimitOptions limits = new LimitOptions();
        private TokenLimits parsed;

        CreateCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        boolean needsExisting() {
            return false;
        }

        @Override
        void validate() {
            parsed = limits.apply(TokenLimits.NONE, "create", false);
        }

        @Override
        int run(Store store) {
            TokenRepository repo = new TokenRepository(store.db);
            String problem = repo.nameProblem(name);
            if (problem != null) {
                String msg = "token create: NAME: " + problem;
                throw problem.contains("already") ? new CommandFailure(msg) : new UsageError(msg);
            }
            var created = repo.create(name.strip(), parsed);
            ctx.err().println("created token '" + created.stored().name() + "' (id " + created.stored().id()
                    + (parsed.enforced() ? ", with limits" : "") + "); it is shown once, store it now:");
            ctx.out().println(created.token());
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Change a client token's owner or limits "
            + "(by id or name); the value none removes a limit. A running server applies it within a second.")
    static final class SetCmd extends StoreCommand {
        @Parameters(index = "0", paramLabel = "ID|NAME", description = "The token's id or name (see token list).")
        String which;
        @Mixin
        LimitOptions limits = new LimitOptions();

        SetCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        void validate() {
            if (!limits.any()) {
                throw new UsageError("token set: nothing to change; expected one or more of --owner, --budget-usd, "
                        + "--period, --rpm, --tpm, --models, --expires (none removes a limit)");
            }
            limits.apply(TokenLimits.NONE, "set", true);
        }

        @Override
        int run(Store store) {
            TokenRepository repo = new TokenRepository(store.db);
            var match = find(repo, which, "set");
            TokenLimits changed = limits.apply(match.limits(), "set", true);
            repo.update(match.id(), changed);
            ctx.out().println("changed token '" + match.name() + "' (id " + match.id() + ")");
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
            var match = find(repo, which, "revoke");
            repo.revoke(match.id());
            ctx.out().println("revoked token '" + match.name() + "' (id " + match.id() + ")");
            return 0;
        }
    }

    private static TokenRepository.StoredToken find(TokenRepository repo, String which, String cmd) {
        return repo.list().stream()
                .filter(t -> String.valueOf(t.id()).equals(which.strip()) || t.name().equalsIgnoreCase(which.strip()))
                .findFirst()
                .orElseThrow(() -> new CommandFailure("token " + cmd + ": no active token with id or name '" + which
                        + "' (see code-proxy token list)"));
    }
}
