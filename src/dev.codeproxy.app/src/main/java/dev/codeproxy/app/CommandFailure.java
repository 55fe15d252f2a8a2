package dev.codeproxy.app;

/**
 * Something went wrong that is not a mistake in the command line itself: a missing or unreadable
 * file, a bad file's content, an unknown or duplicate endpoint, a port in use. One line on stderr,
 * exit code 1 (usage errors, {@link UsageError}, exit with 2).
 */
final class CommandFailure extends RuntimeException {
    CommandFailure(String message) {
        super(message, null, false, false);
    }
}
