package dev.codeproxy.admin.api.dto;

import java.util.List;

/** {@code /_/api/tokens}: client tokens for the proxy path. */
public final class TokenDtos {
    private TokenDtos() {
    }

    /**
     * @param token      masked (first 7 and last 4 characters)
     * @param lastUsedAt null when never used; updated at most once a minute
     */
    public record View(long id, String name, String token, long createdAt, Long lastUsedAt) {
    }

    public record ListView(List<View> tokens) {
    }

    /** The one response that carries a token in full: it is not stored and cannot be shown again. */
    public record Created(long id, String name, String token, String masked, long createdAt) {
    }
}
