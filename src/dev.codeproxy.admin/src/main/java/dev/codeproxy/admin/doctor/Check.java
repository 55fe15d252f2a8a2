package dev.codeproxy.admin.doctor;

/**
 * One line of the doctor's report: ✓ or ✗, one line of detail, and for ✗ a hint that says what
 * to change. A check that was not run (it would cost tokens without {@code --live}) is ok, with
 * a detail that starts with "skipped".
 */
public record Check(String name, boolean ok, String detail, String hint) {
    public static Check pass(String name, String detail) {
        return new Check(name, true, detail, null);
    }

    public static Check fail(String name, String detail, String hint) {
        return new Check(name, false, detail, hint);
    }

    public static Check skipped(String name, String why) {
        return new Check(name, true, "skipped: " + why, null);
    }
}
