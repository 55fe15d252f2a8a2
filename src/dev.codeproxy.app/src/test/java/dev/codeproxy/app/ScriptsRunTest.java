package dev.codeproxy.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./scripts/run} rebuilds only when a source file changed: not after {@code ./scripts/test},
 * which recreates every module's target/ (and so touches the module directories). Run on a copy
 * of the scripts with a fake build and a fake image.
 */
class ScriptsRunTest {
    @TempDir
    Path root;

    private String run() throws Exception {
        Process p = new ProcessBuilder("bash", root.resolve("scripts/run").toString(), "version")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aTestRunDoesNotMakeTheImageStaleButASourceChangeDoes() throws Exception {
        Path repo = AdminMetricsTest.readme().getParent();
        Files.createDirectories(root.resolve("scripts"));
        for (String f : new String[] {"run", "lib.sh"}) {
            Files.copy(repo.resolve("scripts").resolve(f), root.resolve("scripts").resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        write(root.resolve("scripts/build"), "#!/usr/bin/env bash\necho BUILT\n");
        Path launcher = root.resolve("dist/code-proxy/bin/code-proxy");
        write(launcher, "#!/usr/bin/env bash\necho launched \"$@\"\n");
        Path source = root.resolve("src/dev.codeproxy.app/src/main/java/A.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class A {}");
        for (String f : new String[] {"web/src/main.js", "web/package.json", "web/package-lock.json", "jlink/modules", "pom.xml"}) {
            Files.createDirectories(root.resolve(f).getParent());
            Files.writeString(root.resolve(f), "x");
        }
        // the sources are older than the image
        Instant built = Instant.now().minusSeconds(60);
        try (var all = Files.walk(root.resolve("src"))) {
            for (Path p : all.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(built.minusSeconds(60)));
            }
        }
        for (String f : new String[] {"web", "web/src", "web/src/main.js", "web/package.json", "web/package-lock.json",
                "jlink", "jlink/modules", "pom.xml"}) {
            Files.setLastModifiedTime(root.resolve(f), FileTime.from(built.minusSeconds(60)));
        }
        Files.setLastModifiedTime(launcher, FileTime.from(built));
        assertEquals("launched version\n", run());
        // a test run: Maven recreates target/ in every module, which touches the module directory
        Files.createDirectories(root.resolve("src/dev.codeproxy.app/target/classes"));
        String afterTests = run();
        assertFalse(afterTests.contains("BUILT"), "no rebuild after a test run: " + afterTests);
        // a changed source file does rebuild
        Files.writeString(source, "class A { int x; }");
        assertTrue(run().contains("BUILT"), "a source change rebuilds");
    }

    private static void write(Path p, String text) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
