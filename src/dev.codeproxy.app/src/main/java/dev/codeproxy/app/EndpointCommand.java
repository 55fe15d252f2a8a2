package dev.codeproxy.app;

import dev.codeproxy.core.AuthStyle;
import dev.codeproxy.core.Endpoint;
import dev.codeproxy.core.EndpointRules;
import dev.codeproxy.core.ModelMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code code-proxy endpoint list|add|remove|enable|disable}. */
@Command(name = "endpoint", mixinStandardHelpOptions = true, description = "Manage upstream endpoints.",
        subcommands = {EndpointCommand.ListCmd.class, EndpointCommand.AddCmd.class, EndpointCommand.RemoveCmd.class,
                EndpointCommand.EnableCmd.class, EndpointCommand.DisableCmd.class})
final class EndpointCommand implements Callable<Integer> {
    private final Cli.Context ctx;

    EndpointCommand(Cli.Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        throw new UsageError("endpoint: missing subcommand; expected one of list, add, remove, enable, disable");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List endpoints in priority order (keys masked).")
    static final class ListCmd extends StoreCommand {
        ListCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        int run(Store store) {
            List<Endpoint> all = store.endpoints.list();
            if (all.isEmpty()) {
                ctx.out().println("no endpoints; add one with: code-proxy endpoint add NAME --url URL --key-env VAR");
                return 0;
            }
            String fmt = "%-4s %-20s %-8s %-6s %-40s %-9s %s%n";
            ctx.out().printf(fmt, "PRIO", "NAME", "ENABLED", "WEIGHT", "BASE URL", "AUTH", "KEY");
            for (Endpoint e : all) {
                ctx.out().printf(fmt, e.priority(), e.name(), e.enabled() ? "yes" : "no", e.weight(), e.baseUrl(),
                        e.authStyle().wire(), e.apiKey().isEmpty() ? "(none)" : e.maskedKey());
            }
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add an endpoint.")
    static final class AddCmd implements Callable<Integer> {
        private final Cli.Context ctx;

        @Mixin
        Cli.DataDirOption dataDir = new Cli.DataDirOption();

        @Parameters(index = "0", paramLabel = "NAME", description = "Unique name.")
        String name;

        @Option(names = "--url", required = true, paramLabel = "URL", description = "Anthropic base URL, e.g. https://api.anthropic.com")
        String url;

        @Option(names = "--key", paramLabel = "KEY", description = "API key (visible in shell history; prefer --key-env or --key-stdin).")
        String key;

        @Option(names = "--key-env", paramLabel = "VAR", description = "Read the API key from environment variable VAR.")
        String keyEnv;

        @Option(names = "--key-stdin", description = "Read the API key from the first line of standard input.")
        boolean keyStdin;

        @Option(names = "--auth", paramLabel = "STYLE", defaultValue = "x-api-key",
                description = "How the key is sent: x-api-key (default) or bearer.")
        String auth;

        @Option(names = "--priority", paramLabel = "N", description = "Position in failover order, 1 = first (default: last).")
        Integer priority;

        @Option(names = "--weight", paramLabel = "N", defaultValue = "1", description = "Weight for weighted routing (default 1).")
        int weight;

        @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "600000",
                description = "Wait for response headers (default 600000).")
        long timeoutMs;

        @Option(names = "--note", paramLabel = "TEXT", defaultValue = "", description = "Free text.")
        String note;

        @Option(names = "--model-default", paramLabel = "MODEL", defaultValue = "", description = "Model for ids of other families.")
        String modelDefault;

        @Option(names = "--model-small-fast", paramLabel = "MODEL", defaultValue = "", description = "Small/fast model.")
        String modelSmallFast;

        @Option(names = "--model-haiku", paramLabel = "MODEL", defaultValue = "", description = "Model for Haiku requests.")
        String modelHaiku;

        @Option(names = "--model-sonnet", paramLabel = "MODEL", defaultValue = "", description = "Model for Sonnet requests.")
        String modelSonnet;

        @Option(names = "--model-opus", paramLabel = "MODEL", defaultValue = "", description = "Model for Opus requests.")
        String modelOpus;

        @Option(names = "--disabled", description = "Add it disabled.")
        boolean disabled;

        @Option(names = "--disable-nonessential-traffic", description = "Set CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC for Claude Code.")
        boolean nonessential;

        AddCmd(Cli.Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() throws IOException {
            AuthStyle style = AuthStyle.parse(auth).orElseThrow(() -> new UsageError(
                    "endpoint add: --auth: '" + auth + "' is not accepted; expected " + AuthStyle.accepted()));
            int given = (key != null ? 1 : 0) + (keyEnv != null ? 1 : 0) + (keyStdin ? 1 : 0);
            if (given > 1) {
                throw new UsageError("endpoint add: give the key one way only: --key, --key-env or --key-stdin");
            }
            String apiKey = key != null ? key : "";
            if (keyEnv != null) {
                apiKey = ctx.env().get(keyEnv);
                if (apiKey == null) {
                    throw new UsageError("endpoint add: --key-env: environment variable " + keyEnv + " is not set");
                }
            }
            if (keyStdin) {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                apiKey = line == null ? "" : line.strip();
            }
            Endpoint e = new Endpoint(0, name.strip(), note, !disabled, priority == null ? Integer.MAX_VALUE : priority,
                    weight, url, apiKey.strip(), style, timeoutMs,
                    new ModelMap(modelDefault, modelSmallFast, modelHaiku, modelSonnet, modelOpus), nonessential);
            Map<String, String> problems = EndpointRules.check(e);
            if (!problems.isEmpty()) {
                var first = problems.entrySet().iterator().next();
                throw new UsageError("endpoint add: " + flagFor(first.getKey()) + ": " + first.getValue());
            }
            try (Store store = new Store(dataDir.resolve(ctx.env()))) {
                store.refuseSelfLoop(e, "endpoint add: --url");
                if (store.endpoints.byName(e.name()).isPresent()) {
                    throw new UsageError("endpoint add: an endpoint named '" + e.name() + "' already exists");
                }
                Endpoint saved = store.endpoints.add(e);
                ctx.out().println("added endpoint '" + saved.name() + "' at priority " + saved.priority() + " -> "
                        + saved.baseUrl());
            }
            return 0;
        }

        private static String flagFor(String field) {
            return switch (field) {
                case "name" -> "NAME";
                case "baseUrl" -> "--url";
                case "apiKey" -> "--key";
                case "timeoutMs" -> "--timeout-ms";
                default -> "--" + field;
            };
        }
    }

    /** Shared shape of remove / enable / disable: one endpoint by name. */
    abstract static class ByName extends StoreCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The endpoint's name.")
        String name;

        ByName(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        int run(Store store) {
            Endpoint e = store.endpoints.byName(name.strip()).orElseThrow(() -> new UsageError(
                    "endpoint " + verb() + ": no endpoint named '" + name + "' (see code-proxy endpoint list)"));
            apply(store, e);
            ctx.out().println(verb() + "d endpoint '" + e.name() + "'");
            return 0;
        }

        abstract String verb();

        abstract void apply(Store store, Endpoint e);
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an endpoint.")
    static final class RemoveCmd extends ByName {
        RemoveCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        String verb() {
            return "remove";
        }

        @Override
        void apply(Store store, Endpoint e) {
            store.endpoints.delete(e.id());
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable an endpoint.")
    static final class EnableCmd extends ByName {
        EnableCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        String verb() {
            return "enable";
        }

        @Override
        void apply(Store store, Endpoint e) {
            store.endpoints.setEnabled(e.id(), true);
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable an endpoint.")
    static final class DisableCmd extends ByName {
        DisableCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        String verb() {
            return "disable";
        }

        @Override
        void apply(Store store, Endpoint e) {
            store.endpoints.setEnabled(e.id(), false);
        }
    }
}
