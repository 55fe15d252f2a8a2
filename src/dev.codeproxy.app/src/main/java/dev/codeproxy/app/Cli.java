package dev.codeproxy.app;

import dev.codeproxy.store.DatabaseUrl;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line: picocli commands per the README. Every error is one line on stderr naming the
 * flag, argument or file and what is accepted. Exit codes: 0 success, 2 usage errors (bad flags,
 * values, unknown commands), 1 every other failure (missing files, bad file content, unknown or
 * duplicate names, a port in use, ...).
 */
@Command(name = "code-proxy", mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
        description = "A local gateway for Claude Code: failover across Anthropic-compatible endpoints, "
                + "streaming pass-through, request log and live dashboard.",
        footer = {"", "Exit codes: 0 success, 2 usage error (bad flag, value or command), 1 any other failure."})
final class Cli {
    /**
     * The subcommands, in the order help lists them. They are added when the command line is built,
     * not named in the annotation: building picocli's model of every command by reflection was the
     * largest single cost of starting the image, so a run names one command and only that one's model
     * is built (help, completion and an unknown command still get all of them).
     */
    private static final List<Class<?>> COMMANDS = List.of(ServeCommand.class, LoginCommand.class,
            DoctorCommand.class, SelftestCommand.class, ImportCommand.class, ExportCommand.class,
            EndpointCommand.class, SettingsCommand.class, RouteCommand.class, ClaudeCommand.class, TokenCommand.class,
            UsageCommand.class,
            VersionCommand.class, CommandLine.HelpCommand.class, AutoComplete.GenerateCompletion.class);
    /** Commands that need every other command's model: help, and shell completion. */
    private static final Set<Class<?>> NEED_ALL = Set.of(CommandLine.HelpCommand.class,
            AutoComplete.GenerateCompletion.class);
    static final int USAGE = 2;
    static final int FAILURE = 1;
    private static final Set<String> ROOT_FLAGS = Set.of("-h", "--help", "-V", "--version");
    private static final String SERVE_OPTIONS = "serveOptions";

    /** Runs the command line and returns the exit code. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Context ctx = new Context(new Env(env), out, err);
        String[] argv = withDefaultCommand(args);
        Factory factory = new Factory(ctx);
        CommandLine cl = new CommandLine(new Cli(), factory);
        Class<?> only = argv.length == 0 ? null : named(argv[0]);
        for (Class<?> c : COMMANDS) {
            if (only == null || NEED_ALL.contains(only) || c == only) {
                cl.addSubcommand(new CommandLine(c, factory));
            }
        }
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        // wide enough that no default path is cut in the middle of a word
        cl.setUsageHelpWidth(110);
        cl.setUsageHelpLongOptionsMaxWidth(30);
        Converters.register(cl);
        onlyRootHasVersion(cl);
        serveOptionsInRootHelp(cl);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("code-proxy: " + prefix(ex.getCommandLine()) + CliErrors.describe(ex));
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof UsageError) {
                err.println("code-proxy: " + ex.getMessage());
                return USAGE;
            }
            err.println("code-proxy: " + (ex instanceof CommandFailure || ex.getMessage() == null ? ""
                    : prefix(c)) + (ex.getMessage() == null ? ex.toString() : oneLine(ex.getMessage())));
            return FAILURE;
        });
        return cl.execute(argv);
    }

    /** The command class a first argument names, or null (a flag, help of the root, a typo). */
    private static Class<?> named(String arg) {
        for (Class<?> c : COMMANDS) {
            Command cmd = c.getAnnotation(Command.class);
            if (cmd != null && (cmd.name().equals(arg) || List.of(cmd.aliases()).contains(arg))) {
                return c;
            }
        }
        return null;
    }

    static String oneLine(String s) {
        return s.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((x, y) -> x + " " + y).orElse(s);
    }

    /**
     * The words a command's messages start with ({@code usage daily}, {@code endpoint remove}): the
     * {@code @Command} names of its class and of the command classes it is nested in.
     */
    static String commandName(Class<?> command) {
        List<String> names = new ArrayList<>();
        for (Class<?> c = command; c != null && c != Cli.class; c = c.getEnclosingClass()) {
            Command cmd = c.getAnnotation(Command.class);
            if (cmd != null) {
                names.addFirst(cmd.name());
            }
        }
        return String.join(" ", names);
    }

    /** "endpoint add: " for a subcommand, "" for the root. */
    static String prefix(CommandLine c) {
        List<String> names = new ArrayList<>();
        for (CommandLine x = c; x != null && x.getParent() != null; x = x.getParent()) {
            names.addFirst(x.getCommandName());
        }
        return names.isEmpty() ? "" : String.join(" ", names) + ": ";
    }

    /** -V / --version belongs to the root only (subcommands listed it and did nothing with it). */
    private static void onlyRootHasVersion(CommandLine root) {
        for (CommandLine sub : root.getSubcommands().values()) {
            removeVersion(sub);
        }
    }

    private static void removeVersion(CommandLine c) {
        CommandSpec spec = c.getCommandSpec();
        OptionSpec v = spec.findOption("--version");
        if (v != null && v.versionHelp()) {
            spec.remove(v);
        }
        for (CommandLine sub : c.getSubcommands().values()) {
            removeVersion(sub);
        }
    }

    /** {@code code-proxy --help} shows the flags of {@code serve}, the default command, too. */
    private static void serveOptionsInRootHelp(CommandLine root) {
        CommandLine serve = root.getSubcommands().get("serve");
        if (serve == null) {
            return; // another command runs: the root's help is not printed
        }
        List<String> keys = new ArrayList<>(root.getHelpSectionKeys());
        keys.add(keys.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), SERVE_OPTIONS);
        root.setHelpSectionKeys(keys);
        root.getHelpSectionMap().put(SERVE_OPTIONS, help -> System.lineSeparator()
                + "Options of serve (the default command: code-proxy [serve] ...):" + System.lineSeparator()
                + serve.getHelp().optionList());
    }

    /** {@code serve} is the default command: {@code code-proxy --port 9001} means {@code code-proxy serve --port 9001}. */
    static String[] withDefaultCommand(String[] args) {
        if (args.length == 0 || (args[0].startsWith("-") && !ROOT_FLAGS.contains(args[0]))) {
            String[] a = new String[args.length + 1];
            a[0] = "serve";
            System.arraycopy(args, 0, a, 1, args.length);
            return a;
        }
        return args;
    }

    /** Shared state handed to every command. */
    record Context(Env env, PrintStream out, PrintStream err) {
    }

    /** The --data-dir option every command shares. */
    static final class DataDirOption {
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Data directory (default: $CODE_PROXY_DATA_DIR, else $XDG_DATA_HOME/code-proxy "
                        + "or ~/.local/share/code-proxy).")
        Path dataDir;

        Path resolve(Env env) {
            if (dataDir != null) {
                return dataDir.toAbsolutePath();
            }
            String e = env.get(Env.DATA_DIR);
            return e != null ? Path.of(e).toAbsolutePath() : AppPaths.defaultDataDir(env.all());
        }

        /** Where the directory was named: the flag, the variable or the default, for error messages. */
        String source(Env env) {
            return dataDir != null ? "--data-dir " : env.get(Env.DATA_DIR) != null ? Env.DATA_DIR + "=" : "";
        }

        @Option(names = "--database", paramLabel = "URL",
                description = "Shared PostgreSQL database, postgresql://user:pass@host:5432/db (default: "
                        + "$CODE_PROXY_DATABASE_URL, else SQLite in the data directory). A password given here is "
                        + "visible to other users in ps: prefer the variable.")
        String database;

        /**
         * The shared database named by {@code --database} or {@code CODE_PROXY_DATABASE_URL}, or null
         * for SQLite in the data directory. A malformed URL is a usage error naming the accepted
         * form; the message never repeats the URL (it may hold a password).
         */
        DatabaseUrl databaseUrl(Env env) {
            String name = database != null ? "--database" : Env.DATABASE_URL;
            String text = database != null ? database : env.get(Env.DATABASE_URL);
            if (text == null) {
                return null;
            }
            try {
                return DatabaseUrl.parse(text);
            } catch (IllegalArgumentException e) {
                throw new UsageError(name + ": " + e.getMessage());
            }
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"code-proxy " + Version.get()};
        }
    }

    /** Gives commands the context through their constructor. */
    private record Factory(Context ctx) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(Context.class).newInstance(ctx);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
