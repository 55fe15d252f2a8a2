package dev.codeproxy.app;

/** Bad flags, values or files given by the user: one line on stderr, exit code 2. */
final class UsageError extends RuntimeException {
    UsageError(String message) {
        super(message, null, false, false);
    }
}
