package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.EndpointRules;
import dev.codeproxy.core.endpoint.ModelMap;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code code-proxy endpoint list|add|set|remove|enable|disable}. */
@Command(name = "endpoint", mixinStandardHelpOptions = true, description = "Manage upstream endpoints.",
        subcommands = {EndpointCommand.ListCmd.class, EndpointCommand.AddCmd.class, EndpointCommand.SetCmd.class,
                EndpointCommand.RemoveCmd.class, EndpointCommand.EnableCmd.class, EndpointCommand.DisableCmd.class})
final class EndpointCommand implements Callable<Integer> {
    static final String KEY_WARNING = "--key puts the key in the process arguments (visible in ps) and in your "
            + "shell history; prefer --key-env VAR or --key - (standard input)";

    EndpointCommand(Cli.Context ctx) {
    }

    @Override
    public Integer call() {
        throw new UsageError("endpoint: missing subcommand; expected one of list, add, set, remove, enable, disable");
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

    /** The ways to give a key: --key K (or - for standard input), --key-env VAR, --key-stdin. */
    static final class KeyOptions {
        @Option(names = "--key", paramLabel = "KEY", description = "API key; '-' reads it from standard input. "
                + "Warning: a key given here is visible in ps and shell history; prefer --key-env or --key -.")
        String key;

        @Option(names = "--key-env", paramLabel = "VAR", description = "Read the API key from environment variable VAR.")
        String keyEnv;

        @Option(names = "--key-stdin", description = "Read the API key from the first line of standard input (as --key -).")
        boolean keyStdin;

        /** The key given, or null when none was; throws for a variable that is not set. */
        String read(Cli.Context ctx, String verb) throws IOException {
            int given = (key != null ? 1 : 0) + (keyEnv != null ? 1 : 0) + (keyStdin ? 1 : 0);
            if (given > 1) {
                throw new UsageError(verb + ": give the key one way only: --key, --key-env or --key-stdin");
            }
            if (keyEnv != null) {
                String v = ctx.env().get(keyEnv);
                if (v == null) {
                    throw new CommandFailure(verb + ": --key-env: environment variable " + keyEnv
                            + " is not set (or empty); export it, or read the key from standard input with --key -");
                }
                return v.strip();
            }
            if (keyStdin || "-".equals(key)) {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                return line == null ? "" : line.strip();
            }
            if (key != null) {
                ctx.err().println("code-proxy: " + verb + ": warning: " + KEY_WARNING);
                return key.strip();
            }
            return null;
        }
    }

    static AuthStyle auth(String verb, String auth) {
        return AuthStyle.parse(auth).orElseThrow(() -> new UsageError(
                verb + ": --auth: '" + CliErrors.printable(auth) + "' is not accepted; expected " + AuthStyle.accepted()));
    }

    /** A URL without a scheme ("127.0.0.1:19101") gets the same words as any other unaccepted URL. */
    static String urlProblem(String url) {
        if (url != null && !url.isBlank() && !url.strip().matches("(?i)[a-z][a-z0-9+.-]*://.*")) {
            return "'" + CliErrors.printable(url) + "' is not accepted; expected an http:// or https:// URL such as "
                    + "https://api.anthropic.com or http://" + CliErrors.printable(url.strip());
        }
        return EndpointRules.baseUrlProblem(url);
    }

    /** Checks an endpoint built from flags; the first problem names its flag (exit 2). */
    static void check(String verb, Endpoint e) {
        String url = urlProblem(e.baseUrl());
        if (url != null) {
            throw new UsageError(verb + ": --url: " + url);
        }
        Map<String, String> problems = EndpointRules.check(e);
        if (!problems.isEmpty()) {
            var first = problems.entrySet().iterator().next();
            throw new UsageError(verb + ": " + flagFor(first.getKey()) + ": " + first.getValue());
        }
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

    /** The warning for an endpoint without a key (at add, set, import and in the serve banner). */
    static String noKeyWarning(String name) {
        return "endpoint '" + name + "' has no API key: requests to it go out without one; set one with: "
                + "code-proxy endpoint set " + name + " --key-env VAR";
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

        @Mixin
        KeyOptions keys = new KeyOptions();

        @Option(names = "--auth", paramLabel = "STYLE", defaultValue = "x-api-key", completionCandidates = AuthValues.class,
                description = "How the key is sent: x-api-key (default) or bearer.")
        String auth;

        @Option(names = "--priority", paramLabel = "N", description = "Position in failover order, 1 = first (default: last).")
        Integer priority;

        @Option(names = "--weight", paramLabel = "N", defaultValue = "1", description = "Weight for weighted routing, 1 to 1000 (default 1).")
        int weight;

        @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "600000",
                description = "Wait for response headers (default 600000).")
        long timeoutMs;

        @Option(names = "--note", paramLabel = "TEXT", defaultValue = "", description = "Free text.")
        String note;

        @Mixin
        ModelOptions models = new ModelOptions();

        @Option(names = "--disabled", description = "Add it disabled.")
        boolean disabled;

        @Option(names = "--disable-nonessential-traffic", description = "Set CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC for Claude Code.")
        boolean nonessential;

        AddCmd(Cli.Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() throws IOException {
            AuthStyle style = auth("endpoint add", auth);
            String apiKey = keys.read(ctx, "endpoint add");
            Endpoint e = new Endpoint(0, name.strip(), note, !disabled, priority == null ? Integer.MAX_VALUE : priority,
                    weight, url.strip(), apiKey == null ? "" : apiKey, style, timeoutMs,
                    models.apply(ModelMap.EMPTY), nonessential);
            check("endpoint add", e);
            try (Store store = new Store(dataDir.resolve(ctx.env()), dataDir.databaseUrl(ctx.env()))) {
                String loop = store.selfLoop(e);
                if (loop != null) {
                    throw new UsageError("endpoint add: --url: " + loop);
                }
                if (store.endpoints.byName(e.name()).isPresent()) {
                    throw new CommandFailure("endpoint add: an endpoint named '" + e.name()
                            + "' already exists; change it with: code-proxy endpoint set " + e.name() + " ...");
                }
                Endpoint saved = store.endpoints.add(e);
                ctx.out().println("added endpoint '" + saved.name() + "' at priority " + saved.priority() + " -> "
                        + saved.baseUrl());
                if (saved.apiKey().isEmpty()) {
                    ctx.err().println("code-proxy: endpoint add: warning: " + noKeyWarning(saved.name()));
                }
            }
            return 0;
        }
    }

    /** Model mapping flags (empty: no mapping); on set, only those given change. */
    static final class ModelOptions {
        @Option(names = "--model-default", paramLabel = "MODEL", description = "Model for ids of other families.")
        String modelDefault;

        @Option(names = "--model-small-fast", paramLabel = "MODEL", description = "Small/fast model.")
        String modelSmallFast;

        @Option(names = "--model-haiku", paramLabel = "MODEL", description = "Model for Haiku requests.")
        String modelHaiku;

        @Option(names = "--model-sonnet", paramLabel = "MODEL", description = "Model for Sonnet requests.")
        String modelSonnet;

        @Option(names = "--model-opus", paramLabel = "MODEL", description = "Model for Opus requests.")
        String modelOpus;

        ModelMap apply(ModelMap m) {
            return new ModelMap(or(modelDefault, m.defaultModel()), or(modelSmallFast, m.smallFast()),
                    or(modelHaiku, m.haiku()), or(modelSonnet, m.sonnet()), or(modelOpus, m.opus()));
        }

        private static String or(String given, String old) {
            return given == null ? old : given.strip();
        }
    }

    /** Completion values of --auth. */
    static final class AuthValues implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("x-api-key", "bearer").iterator();
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change an endpoint's fields; fields not given stay as they are (the key too).")
    static final class SetCmd extends StoreCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The endpoint's name.")
        String name;

        @Option(names = "--name", paramLabel = "NEW", description = "Rename it.")
        String newName;

        @Option(names = "--url", paramLabel = "URL", description = "Anthropic base URL.")
        String url;

        @Mixin
        KeyOptions keys = new KeyOptions();

        @Option(names = "--auth", paramLabel = "STYLE", completionCandidates = AuthValues.class,
                description = "How the key is sent: x-api-key or bearer.")
        String auth;

        @Option(names = "--priority", paramLabel = "N", description = "Position in failover order, 1 = first.")
        Integer priority;

        @Option(names = "--weight", paramLabel = "N", description = "Weight for weighted routing, 1 to 1000.")
        Integer weight;

        @Option(names = "--timeout-ms", paramLabel = "MS", description = "Wait for response headers.")
        Long timeoutMs;

        @Option(names = "--note", paramLabel = "TEXT", description = "Free text.")
        String note;

        @Mixin
        ModelOptions models = new ModelOptions();

        @ArgGroup(exclusive = true)
        Toggle toggle;

        static final class Toggle {
            @Option(names = "--enable", description = "Enable it.")
            boolean enable;

            @Option(names = "--disable", description = "Disable it.")
            boolean disable;
        }

        SetCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        void validate() {
            if (auth != null) {
                auth("endpoint set", auth);
            }
            if (url != null) {
                String problem = urlProblem(url.strip());
                if (problem != null) {
                    throw new UsageError("endpoint set: --url: " + problem);
                }
            }
        }

        @Override
        int run(Store store) throws IOException {
            AuthStyle style = auth == null ? null : auth("endpoint set", auth);
            String apiKey = keys.read(ctx, "endpoint set");
            Endpoint old = store.endpoints.byName(name.strip()).orElseThrow(() -> new CommandFailure(
                    "endpoint set: no endpoint named '" + CliErrors.printable(name) + "' (see code-proxy endpoint list)"));
            Endpoint e = new Endpoint(old.id(), newName == null ? old.name() : newName.strip(),
                    note == null ? old.note() : note,
                    toggle == null ? old.enabled() : toggle.enable,
                    priority == null ? old.priority() : priority,
                    weight == null ? old.weight() : weight,
                    url == null ? old.baseUrl() : url.strip(),
                    apiKey == null ? old.apiKey() : apiKey,
                    style == null ? old.authStyle() : style,
                    timeoutMs == null ? old.timeoutMs() : timeoutMs,
                    models.apply(old.models()), old.disableNonessentialTraffic());
            check("endpoint set", e);
            if (url != null) {
                String loop = store.selfLoop(e);
                if (loop != null) {
                    throw new UsageError("endpoint set: --url: " + loop);
                }
            }
            if (newName != null && !e.name().equalsIgnoreCase(old.name()) && store.endpoints.byName(e.name()).isPresent()) {
                throw new CommandFailure("endpoint set: --name: an endpoint named '" + e.name() + "' already exists");
            }
            if (e.equals(old)) {
                ctx.out().println("endpoint '" + old.name() + "' unchanged");
                return 0;
            }
            // the repository keeps the stored key when the update's is empty; "--key ''" clears nothing
            Endpoint saved = store.endpoints.update(e).orElseThrow(() -> new CommandFailure(
                    "endpoint set: endpoint '" + old.name() + "' was removed meanwhile"));
            ctx.out().println("updated endpoint '" + saved.name() + "': " + changes(old, saved));
            if (saved.apiKey().isEmpty()) {
                ctx.err().println("code-proxy: endpoint set: warning: " + noKeyWarning(saved.name()));
            }
            return 0;
        }

        private static String changes(Endpoint a, Endpoint b) {
            List<String> c = new ArrayList<>();
            if (!a.name().equals(b.name())) {
                c.add("name " + b.name());
            }
            if (!a.baseUrl().equals(b.baseUrl())) {
                c.add("url " + b.baseUrl());
            }
            if (!a.apiKey().equals(b.apiKey())) {
                c.add("key " + b.maskedKey());
            }
            if (a.authStyle() != b.authStyle()) {
                c.add("auth " + b.authStyle().wire());
            }
            if (a.priority() != b.priority()) {
                c.add("priority " + b.priority());
            }
            if (a.weight() != b.weight()) {
                c.add("weight " + b.weight());
            }
            if (a.enabled() != b.enabled()) {
                c.add(b.enabled() ? "enabled" : "disabled");
            }
            if (a.timeoutMs() != b.timeoutMs()) {
                c.add("timeout " + b.timeoutMs() + " ms");
            }
            if (!a.note().equals(b.note())) {
                c.add("note");
            }
            if (!a.models().equals(b.models())) {
                c.add("models");
            }
            return c.isEmpty() ? "no change" : String.join(", ", c);
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
            Endpoint e = store.endpoints.byName(name.strip()).orElseThrow(() -> new CommandFailure(
                    commandName() + ": no endpoint named '" + CliErrors.printable(name)
                            + "' (see code-proxy endpoint list)"));
            apply(store, e);
            // removed, enabled, disabled
            ctx.out().println(getClass().getAnnotation(Command.class).name() + "d endpoint '" + e.name() + "'");
            return 0;
        }

        abstract void apply(Store store, Endpoint e);
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an endpoint.")
    static final class RemoveCmd extends ByName {
        RemoveCmd(Cli.Context ctx) {
            super(ctx);
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
        void apply(Store store, Endpoint e) {
            store.endpoints.setEnabled(e.id(), false);
        }
    }
}
