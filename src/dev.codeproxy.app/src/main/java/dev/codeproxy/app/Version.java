package dev.codeproxy.app;

/** The version, taken from the module descriptor (set by the build) or "dev". */
final class Version {
    private Version() {
    }

    static String get() {
        return Version.class.getModule().getDescriptor() == null ? "dev"
                : Version.class.getModule().getDescriptor().rawVersion().orElse("dev");
    }
}
