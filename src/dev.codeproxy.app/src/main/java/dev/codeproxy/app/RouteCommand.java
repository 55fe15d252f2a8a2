package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.routes.Route;
import dev.codeproxy.core.routes.RouteException;
import dev.codeproxy.core.routes.RouteKind;
import dev.codeproxy.core.routes.Routes;
import dev.codeproxy.core.settings.SettingKey;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code code-proxy route list|add|remove|move}: the routes setting, rule by rule. Rules are
 * numbered from 1 in the order they are tried (the first match wins). Bad rules are refused with
 * one line naming the argument and what is accepted (exit 2); a running server picks changes up
 * within a second.
 */
@Command(name = "route", mixinStandardHelpOptions = true,
        description = "Show or change the routes by request kind (the first matching rule wins).",
        subcommands = {RouteCommand.ListCmd.class, RouteCommand.AddCmd.class, RouteCommand.RemoveCmd.class,
            RouteCommand.MoveCmd.class})
final class RouteCommand implements Callable<Integer> {
    RouteCommand(Cli.Context ctx) {
    }

    @Override
    public Integer call() {
        throw new UsageError("route: missing subcommand; expected list, add, remove or move");
    }

    /** One rule as a line: {@code 1  background  -> cheap, other  model glm-4.5-air}. */
    static String line(int number, Route r) {
        StringBuilder sb = new StringBuilder().append(number).append("  ").append(r.match());
        if (r.kind() == RouteKind.LONG_CONTEXT) {
            sb.append(" >= ").append(r.minInputTokens()).append(" tokens");
        }
        sb.append("  -> ").append(String.join(", ", r.endpoints()));
        if (!r.model().isEmpty()) {
            sb.append("  model ").append(r.model());
        }
        return sb.toString();
    }

    static Routes load(Store store) {
        return store.settings.load().routes();
    }

    static void save(Store store, Routes routes) {
        store.settings.putAll(Map.of(SettingKey.ROUTES.key(), routes.json()));
    }

    /** A rule position (1-based) that must exist. */
    static int position(String verb, String label, int n, Routes routes) {
        if (n < 1 || n > routes.rules().size()) {
            throw new UsageError("route " + verb + ": " + label + ": " + n + " is not a rule number; "
                    + (routes.isEmpty() ? "there are no routes (code-proxy route add ...)"
                    : "expected 1 to " + routes.rules().size() + " (code-proxy route list)"));
        }
        return n - 1;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the rules in the order they are tried.")
    static final class ListCmd extends StoreCommand {
        @Option(names = "--json", description = "Print the setting's JSON array.")
        boolean json;

        ListCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        int run(Store store) {
            Routes routes = load(store);
            if (json) {
                ctx.out().println(routes.json());
                return 0;
            }
            if (routes.isEmpty()) {
                ctx.out().println("no routes: every request goes to every endpoint (route default)");
                return 0;
            }
            for (int i = 0; i < routes.rules().size(); i++) {
                ctx.out().println(line(i + 1, routes.rules().get(i)));
            }
            ctx.out().println("otherwise  default  -> every endpoint");
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a rule: requests of KIND go to the endpoints given, in that order.")
    static final class AddCmd extends StoreCommand {
        @Parameters(index = "0", paramLabel = "KIND",
                description = "background, thinking, longContext, webSearch, image, subagent or model:<substring>.")
        String match;

        @Option(names = "--endpoints", required = true, split = ",", paramLabel = "NAME[,NAME...]",
                description = "The endpoint group, tried in this order.")
        List<String> endpoints;

        @Option(names = "--min-input-tokens", paramLabel = "N",
                description = "longContext only: estimated input tokens from which it matches (default 60000).")
        Long minInputTokens;

        @Option(names = "--model", paramLabel = "MODEL", description = "Send this model instead of the request's.")
        String model;

        @Option(names = "--at", paramLabel = "N", description = "Insert as rule N (1 = tried first); default: last.")
        Integer at;

        AddCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        boolean needsExisting() {
            return false;
        }

        private static final Map<String, String> FLAGS = Map.of("match", "KIND", "endpoints", "--endpoints",
                "minInputTokens", "--min-input-tokens", "model", "--model");

        /** The rule, checked like the API and the import file do; the first problem as one line. */
        Route rule(List<String> known) {
            JsonObjectBuilder o = Json.createObjectBuilder().add("match", match);
            var arr = Json.createArrayBuilder();
            endpoints.forEach(arr::add);
            o.add("endpoints", arr);
            if (minInputTokens != null) {
                o.add("minInputTokens", minInputTokens);
            }
            if (model != null) {
                o.add("model", model);
            }
            Map<String, String> problems = new LinkedHashMap<>();
            Set<String> names = null;
            if (known != null) {
                names = new TreeSet<>();
                for (String k : known) {
                    names.add(k.toLowerCase(Locale.ROOT));
                }
            }
            Route r = Routes.rule(o.build(), "", names, problems);
            if (r == null) {
                var first = problems.entrySet().iterator().next();
                String field = first.getKey().replaceFirst("^\\.", "").replaceFirst("\\[\\d+]$", "");
                throw new UsageError("route add: " + FLAGS.getOrDefault(field, field) + ": "
                        + CliErrors.printable(first.getValue()));
            }
            return r;
        }

        @Override
        void validate() {
            rule(null);
            if (at != null && at < 1) {
                throw new UsageError("route add: --at: " + at + " is not accepted; expected a rule number from 1");
            }
        }

        @Override
        int run(Store store) {
            List<String> known = new ArrayList<>();
            for (Endpoint e : store.endpoints.list()) {
                known.add(e.name());
            }
            Route r = rule(known);
            Routes routes = load(store);
            int index = at == null ? routes.rules().size() : Math.min(at - 1, routes.rules().size());
            Routes next = routes.with(index, r);
            try {
                Routes.parse(next.json());
            } catch (RouteException e) {
                throw new UsageError("route add: " + CliErrors.printable(e.getMessage()));
            }
            save(store, next);
            ctx.out().println("added " + line(index + 1, r));
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove rule N (see route list).")
    static final class RemoveCmd extends StoreCommand {
        @Parameters(index = "0", paramLabel = "N", description = "The rule number.")
        int number;

        RemoveCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        int run(Store store) {
            Routes routes = load(store);
            int i = position("remove", "N", number, routes);
            Route r = routes.rules().get(i);
            save(store, routes.without(i));
            ctx.out().println("removed " + line(number, r));
            return 0;
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true, description = "Move rule N to position TO.")
    static final class MoveCmd extends StoreCommand {
        @Parameters(index = "0", paramLabel = "N", description = "The rule number.")
        int number;

        @Parameters(index = "1", paramLabel = "TO", description = "Its new number (1 = tried first).")
        int to;

        MoveCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        int run(Store store) {
            Routes routes = load(store);
            int from = position("move", "N", number, routes);
            int dest = position("move", "TO", to, routes);
            Routes next = routes.moved(from, dest);
            save(store, next);
            for (int i = 0; i < next.rules().size(); i++) {
                ctx.out().println(line(i + 1, next.rules().get(i)));
            }
            return 0;
        }
    }
}
