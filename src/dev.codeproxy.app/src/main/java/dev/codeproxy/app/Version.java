package dev.codeproxy.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.util.Properties;

/**
 * The version: the Maven project version from {@code version.properties} (filtered by the build),
 * else the module descriptor's version, else "dev".
 */
final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "").strip();
                if (!v.isEmpty() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read version.properties", e);
        }
        ModuleDescriptor d = Version.class.getModule().getDescriptor();
        return d == null ? "dev" : d.rawVersion().orElse("dev");
    }
}
