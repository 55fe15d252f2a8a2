package dev.codeproxy.core.errors;

import java.util.ArrayList;
import java.util.List;

/** One-line descriptions of failures for notices and command-line errors. */
public final class Errors {
    private Errors() {
    }

    /**
     * The first message in {@code e}'s cause chain, followed by the root cause's message in
     * parentheses when that adds something: {@code "cannot write settings.json (No space left on device)"}.
     * An exception without any message is described by its {@code toString()}.
     */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        List<String> seen = new ArrayList<>();
        while (t != null) {
            if (t.getMessage() != null) {
                seen.add(t.getMessage());
            }
            t = t.getCause();
        }
        return seen.isEmpty() ? e.toString() : seen.getFirst()
                + (seen.size() > 1 && !seen.getFirst().contains(seen.getLast()) ? " (" + seen.getLast() + ")" : "");
    }
}
