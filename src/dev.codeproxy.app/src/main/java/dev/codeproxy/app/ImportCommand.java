package dev.codeproxy.app;

import dev.codeproxy.core.config.ConfigException;
import dev.codeproxy.core.config.ConfigFile;
import dev.codeproxy.core.config.ConfigParser;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code code-proxy import FILE [--merge | --replace]}. Nothing is stored unless the whole file is valid. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import settings and endpoints from a code-proxy/1 file (or a Code Proxy 1.0 export).")
final class ImportCommand implements Callable<Integer> {
    private final Cli.Context ctx;

    @Mixin
    Cli.DataDirOption dataDir = new Cli.DataDirOption();

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

    ImportCommand(Cli.Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageError("import: " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new UsageError("import: " + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new UsageError("import: " + file + ": cannot read (" + e.getMessage() + ")");
        }
        ConfigFile cfg;
        try {
            cfg = ConfigParser.parse(text);
        } catch (ConfigException e) {
            throw new UsageError("import: " + file + ": " + (e.problems().size() == 1 ? ""
                    : e.problems().size() + " problems: ") + String.join("; ", e.problems()));
        }
        boolean replace = mode != null && mode.replace;
        try (Store store = new Store(dataDir.resolve(ctx.env()))) {
            for (int i = 0; i < cfg.endpoints().size(); i++) {
                store.refuseSelfLoop(cfg.endpoints().get(i), "import: " + file + ": $.endpoints[" + i + "].baseUrl");
            }
            if (!cfg.settings().isEmpty()) {
                store.settings.putAll(cfg.settings());
            }
            var result = store.endpoints.importAll(cfg.endpoints(), replace);
            cfg.warnings().forEach(w -> ctx.err().println("code-proxy: import: warning: " + w));
            ctx.out().println("imported " + cfg.endpoints().size() + " endpoint(s) and " + cfg.settings().size()
                    + " setting(s) from " + file + " (" + (replace ? "replace" : "merge") + "); " + result.size()
                    + " endpoint(s) configured");
        }
        return 0;
    }
}
