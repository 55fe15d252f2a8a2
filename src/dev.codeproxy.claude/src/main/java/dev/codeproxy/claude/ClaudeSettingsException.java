package dev.codeproxy.claude;

import java.nio.file.Path;

/**
 * A settings file (or the ledger) the proxy refuses to touch: malformed JSON, a top level or
 * {@code env} that is not an object, a duplicate key, invalid UTF-8. The file is left as it is.
 * The message names the file (and line and column where known) and never carries a value from it.
 */
public class ClaudeSettingsException extends RuntimeException {
    private final transient Path file;
    private final long line;
    private final long column;

    ClaudeSettingsException(Path file, long line, long column, String message) {
        super(message, null, false, false);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    ClaudeSettingsException(Path file, String message) {
        this(file, -1, -1, message);
    }

    /** The file the problem is in. */
    public Path file() {
        return file;
    }

    /** 1-based line of a syntax problem, -1 if not known. */
    long line() {
        return line;
    }

    /** 1-based column of a syntax problem, -1 if not known. */
    long column() {
        return column;
    }
}
