package dev.codeproxy.admin.doctor;

import dev.codeproxy.core.wire.Json;

import java.util.List;

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

    /** This check as one JSON object: {@code {"name","ok","detail","hint"}}. */
    public String json() {
        return "{\"name\":\"" + Json.escape(name) + "\",\"ok\":" + ok + ",\"detail\":\""
                + Json.escape(detail) + "\",\"hint\":"
                + (hint == null ? "null" : "\"" + Json.escape(hint) + "\"") + "}";
    }

    /** The report of the contract: {@code {"checks":[...]}}. */
    public static String report(List<Check> checks) {
        StringBuilder b = new StringBuilder("{\"checks\":[");
        for (int i = 0; i < checks.size(); i++) {
            b.append(i == 0 ? "" : ",").append(checks.get(i).json());
        }
        return b.append("]}").toString();
    }

    /** The line a terminal shows, with the hint under a ✗ (or under a passing check that warns). */
    public String line() {
        return (ok ? "✓ " : "✗ ") + name + ": " + detail + (hint == null ? "" : "\n    → " + hint);
    }
}
