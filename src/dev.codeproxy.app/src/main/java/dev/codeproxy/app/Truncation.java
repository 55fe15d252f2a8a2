package dev.codeproxy.app;

/**
 * The JSON parser reports the end of a truncated file as a position past it ("Unexpected char -1
 * at ... column 10" on a line of 9 characters). This names the real last position instead.
 */
final class Truncation {
    private Truncation() {
    }

    static String explain(String problem, String text) {
        if (!problem.startsWith("not valid JSON") || !(problem.contains("char -1") || problem.contains("EOF")
                || problem.contains("end of"))) {
            return problem;
        }
        String body = text.stripTrailing();
        int line = 1;
        int col = 0;
        for (int i = 0; i < body.length(); i++) {
            if (body.charAt(i) == '\n') {
                line++;
                col = 0;
            } else {
                col++;
            }
        }
        return "not valid JSON: the file ends early, after line " + line + ", column " + col
                + " (truncated?); expected the rest of the JSON object";
    }
}
