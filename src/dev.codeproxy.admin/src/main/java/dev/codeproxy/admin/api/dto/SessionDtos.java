package dev.codeproxy.admin.api.dto;

import java.util.List;

/** {@code /_/api/sessions}, {@code /_/api/login-codes}, {@code /_/api/admin-token}: who is logged in, and how to get in. */
public final class SessionDtos {
    private SessionDtos() {
    }

    /**
     * One dashboard session. Times in epoch milliseconds.
     *
     * @param handle  a public name for the session (not its cookie: it cannot log anybody in)
     * @param current whether it is the session that asked
     */
    public record View(String handle, long createdAt, long lastSeenAt, long expiresAt, String remote,
                       String userAgent, boolean current) {
    }

    public record ListView(List<View> sessions, long idleTimeoutMs, long absoluteTimeoutMs) {
    }

    public record Revoked(int revoked) {
    }

    /** A single-use login link. */
    public record LoginLink(String url, long expiresInSeconds) {
    }

    /** After a rotation: where the new admin token is (it is never sent). */
    public record Rotated(String file, int sessionsEnded) {
    }
}
