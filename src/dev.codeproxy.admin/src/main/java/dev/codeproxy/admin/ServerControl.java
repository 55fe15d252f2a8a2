package dev.codeproxy.admin;

import dev.codeproxy.admin.doctor.Check;
import dev.codeproxy.claude.ClaudeSettings;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the control plane asks of the server that hosts it (implemented by the app's composition
 * root): where it listens, moving the listener, and Claude Code's settings file.
 */
public interface ServerControl {
    /** The base URL clients use now, e.g. {@code http://127.0.0.1:9000}. */
    String url();

    /** The listen address (as configured: a name, an address or a wildcard). */
    String host();

    int port();

    /** Whether the listener is on a loopback address (metrics are then open without the admin token). */
    boolean loopback();

    /**
     * {@code Host} names accepted besides the stored {@code allowedHosts} setting, from the command
     * line or environment ({@code --allowed-hosts}, {@code CODE_PROXY_ALLOWED_HOSTS}).
     */
    default List<String> allowedHosts() {
        return List.of();
    }

    /**
     * Starts a second listener with the same routing on {@code host:port}. Nothing changes for
     * clients until {@link Listener#activate()}.
     *
     * @throws RuntimeException when the address cannot be bound (the message says why)
     */
    Listener listen(String host, int port);

    /** A listener started by {@link #listen} and not yet the server's. */
    interface Listener {
        String url();

        /**
         * Makes this listener the server's; returns what stops the previous one (run it once the
         * response that reported the move was sent).
         */
        Runnable activate();

        /** Stops this listener (the move did not happen). */
        void abort();
    }

    /** Claude Code's settings; empty when the server runs without the integration. */
    Optional<ClaudeSettings> claudeSettings();

    /** Points Claude Code at this proxy now (and restores the file when the server stops). */
    ClaudeSettings.ApplyResult claudeApply();

    /** Puts Claude Code's settings back. */
    ClaudeSettings.RestoreResult claudeRestore();

    /**
     * Makes a new admin token and stores it where the server keeps it (the data directory's
     * {@code admin-token} file, 0600).
     *
     * @throws IllegalStateException when the token is fixed ({@code CODE_PROXY_ADMIN_TOKEN}); the
     *                               message says so
     */
    RotatedToken rotateAdminToken();

    /** A new admin token and the file it was written to. */
    record RotatedToken(String token, String file) {
        @Override
        public String toString() {
            return "RotatedToken[" + file + "]";
        }
    }

    /**
     * Runs the self-test (in-process fake endpoints, the running retry and breaker settings) and
     * hands over each scenario's result as it ends.
     */
    void selftest(Consumer<Check> each);

    /** The server's version, for the status line. */
    String version();
}
