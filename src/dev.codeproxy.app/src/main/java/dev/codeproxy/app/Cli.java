package dev.codeproxy.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The command line: picocli commands per the README; bad usage is one line and exit code 2. */
@Command(name = "code-proxy", mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
        description = "A local gateway for Claude Code: failover across Anthropic-compatible endpoints, "
                + "streaming pass-through, request log and live dashboard.",
        subcommands = {ServeCommand.class, LoginCommand.class, DoctorCommand.class, SelftestCommand.class, ImportCommand.class, ExportCommand.class, EndpointCommand.class, ClaudeCommand.class, TokenCommand.class,
                VersionCommand.class, CommandLine.HelpCommand.class,
                picocli.AutoComplete.GenerateCompletion.class})
final class Cli {
    private static final Set<String> ROOT_FLAGS = Set.of("-h", "--help", "-V", "--version");

    /** Runs the command line and returns the exit code. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Context ctx = new Context(new Env(env), out, err);
        CommandLine cl = new CommandLine(new Cli(), new Factory(ctx));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("code-proxy: " + ex.getMessage().lines().findFirst().orElse("bad usage")
                    + " (see code-proxy " + commandPath(ex.getCommandLine()) + "--help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof UsageError) {
                err.println("code-proxy: " + ex.getMessage());
                return 2;
            }
            err.println("code-proxy: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        return cl.execute(withDefaultCommand(args));
    }

    private static String commandPath(CommandLine c) {
        List<String> names = new ArrayList<>();
        for (CommandLine x = c; x != null && x.getParent() != null; x = x.getParent()) {
            names.addFirst(x.getCommandName());
        }
        return names.isEmpty() ? "" : String.join(" ", names) + " ";
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
                description = "Data directory (default: $CODE_PROXY_DATA_DIR, else $XDG_DATA_HOME/code-proxy or "
                        + "~/.local/share/code-proxy).")
        Path dataDir;

        Path resolve(Env env) {
            if (dataDir != null) {
                return dataDir.toAbsolutePath();
            }
            String e = env.get(Env.DATA_DIR);
            return e != null ? Path.of(e).toAbsolutePath() : AppPaths.defaultDataDir(env.all());
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
