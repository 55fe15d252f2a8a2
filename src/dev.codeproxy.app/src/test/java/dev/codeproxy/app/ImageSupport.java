package dev.codeproxy.app;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/** Where the built image is ({@code dist/code-proxy}, made by scripts/build). */
final class ImageSupport {
    private ImageSupport() {
    }

    /** The repository root: surefire's property, or the directory with mvnw above user.dir. */
    static Path root() {
        String repo = System.getProperty("codeproxy.repo");
        if (repo != null && !repo.isBlank() && !repo.startsWith("${")) {
            return Path.of(repo);
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw"))) {
                return p;
            }
        }
        fail("cannot find the repository root (no mvnw above " + System.getProperty("user.dir") + ")");
        return null;
    }

    /** The image's launcher; fails when the image was not built. */
    static Path launcher() {
        Path l = root().resolve("dist/code-proxy/bin/code-proxy");
        if (!Files.isExecutable(l)) {
            fail("no built image at " + l + ": run ./scripts/build first (./scripts/test does)");
        }
        return l;
    }
}
