package dev.codeproxy.app;

import dev.codeproxy.core.config.ConfigException;
import dev.codeproxy.core.config.ConfigFile;
import dev.codeproxy.core.config.ConfigParser;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** {@code code-proxy import FILE [--merge | --replace]}. Nothing is stored unless the whole file is valid. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import settings and endpoints from a code-proxy/1 file (or a Code Proxy 1.0 export).")
final class ImportCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "The file to import.")
    Path file;

    @ArgGroup(exclusive = true)
    Mode mode;

    static final class Mode {
        @Option(names = "--merge", description = "Update endpoints with the same name, add new ones (default).")
        boolean merge;

        @Option(names = "--replace", description = "Make the stored endpoints exactly the file's.")
        boolean replace;
    }

    /** The file, read and checked before the data directory is opened. */
    private ConfigFile cfg;

    ImportCommand(Cli.Context ctx) {
        super(ctx);
    }

    @Override
    boolean needsExisting() {
        return false;
    }

    @Override
    void validate() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CommandFailure("import: " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new CommandFailure("import: " + file + ": not UTF-8 text; expected a code-proxy/1 JSON file");
        } catch (AccessDeniedException e) {
            throw new CommandFailure("import: " + file + ": cannot read it (permission denied)");
        } catch (IOException e) {
            throw new CommandFailure("import: " + file + ": cannot read it"
                    + (Files.isDirectory(file) ? " (a directory; expected a file)" : " (" + e.getMessage() + ")"));
        }
        try {
            cfg = ConfigParser.parse(text);
        } catch (ConfigException e) {
            List<String> problems = e.problems().stream().map(p -> Truncation.explain(p, text)).toList();
            throw new CommandFailure("import: " + file + ": " + (problems.size() == 1 ? ""
                    : problems.size() + " problems: ") + String.join("; ", problems));
        }
    }

    @Override
    int run(Store store) {
        boolean replace = mode != null && mode.replace;
        for (int i = 0; i < cfg.endpoints().size(); i++) {
            String loop = store.selfLoop(cfg.endpoints().get(i));
            if (loop != null) {
                throw new CommandFailure("import: " + file + ": $.endpoints[" + i + "].baseUrl: " + loop);
            }
        }
        List<String> routeProblems = cfg.routeProblems(store.endpoints.list().stream().map(e -> e.name()).toList(),
                replace);
        if (!routeProblems.isEmpty()) {
            throw new CommandFailure("import: " + file + ": " + String.join("; ", routeProblems));
        }
        if (!cfg.settings().isEmpty()) {
            store.settings.putAll(cfg.settings());
        }
        var result = store.endpoints.importAll(cfg.endpoints(), replace);
        cfg.warnings().forEach(w -> ctx.err().println("code-proxy: import: warning: " + w));
        ctx.out().println("imported " + cfg.endpoints().size() + " endpoint(s) and " + cfg.settings().size()
                + " setting(s) from " + file + " (" + (replace ? "replace" : "merge") + "); " + result.size()
                + " endpoint(s) configured");
        // an export without secrets leaves keys out: say which endpoints now have none
        for (var stored : result) {
            if (stored.apiKey().isEmpty()) {
                ctx.err().println("code-proxy: import: warning: " + EndpointCommand.noKeyWarning(stored.name()));
            }
        }
        return 0;
    }
}
