package dev.codeproxy.app;

import dev.codeproxy.core.config.ConfigWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/** {@code code-proxy export [--include-secrets] [--output FILE]}. Keys are left out unless asked for. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export settings and endpoints as a code-proxy/1 file (API keys left out by default).")
final class ExportCommand extends StoreCommand {
    @Option(names = "--include-secrets", description = "Include the endpoints' API keys.")
    boolean includeSecrets;

    @Option(names = {"--output", "-o"}, paramLabel = "FILE", description = "Write to FILE instead of standard output "
            + "(an existing FILE only with --force).")
    Path output;

    @Option(names = "--force", description = "Overwrite an existing --output file.")
    boolean force;

    ExportCommand(Cli.Context ctx) {
        super(ctx);
    }

    @Override
    void validate() {
        if (output != null && Files.exists(output) && !force) {
            throw new CommandFailure("export: --output " + output + ": the file exists; give --force to overwrite it");
        }
        if (output != null && Files.isDirectory(output)) {
            throw new CommandFailure("export: --output " + output + ": a directory; expected a file name");
        }
    }

    @Override
    int run(Store store) throws IOException {
        String json = ConfigWriter.write(store.settings.load(), store.endpoints.list(), includeSecrets, Instant.now());
        if (output == null) {
            ctx.out().print(json);
            ctx.out().flush();
            return 0;
        }
        Path target = output.toAbsolutePath();
        if (target.getParent() != null && !Files.isDirectory(target.getParent())) {
            throw new CommandFailure("export: --output " + output + ": directory " + target.getParent() + " does not exist");
        }
        Path tmp = Files.createTempFile(target.getParent(), ".code-proxy-export", ".tmp");
        try {
            if (includeSecrets) {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
            }
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        ctx.err().println("exported to " + target + (includeSecrets ? " (with API keys; file mode 0600)" : ""));
        return 0;
    }
}
