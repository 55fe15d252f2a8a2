package dev.codeproxy.store;

import dev.codeproxy.core.secret.Secrets;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Client tokens created through the admin API (or a future {@code tokens} command). Only the
 * SHA-256 hash of a token is stored, with its masked form for display: the full token exists
 * once, in the {@link Created} returned by {@link #create}. Revoking keeps the row.
 */
public final class TokenRepository {
    /** Longest token name. */
    public static final int MAX_NAME = 100;
    /** Prefix of generated client tokens (the same as the generated {@code client-token} file's). */
    public static final String PREFIX = "cp-";

    private static final String COLUMNS = "id, name, masked, created_at, last_used_at, revoked_at";

    /**
     * A stored token as it may be shown.
     *
     * @param lastUsedAtEpochMs 0 when never used (updated at most once a minute)
     * @param revokedAtEpochMs  0 while the token is valid
     */
    public record StoredToken(long id, String name, String masked, long createdAtEpochMs, long lastUsedAtEpochMs,
                              long revokedAtEpochMs) {
        public boolean revoked() {
            return revokedAtEpochMs != 0;
        }
    }

    /** A token just created: {@code token} is the only copy of the secret. */
    public record Created(StoredToken stored, String token) {
        @Override
        public String toString() {
            return "Created[" + stored + "]";
        }
    }

    private final DbClient db;

    public TokenRepository(DbClient db) {
        this.db = db;
    }

    public TokenRepository(Database database) {
        this(database.client());
    }

    /** Valid (not revoked) tokens, oldest first. */
    public List<StoredToken> list() {
        try (var rows = db.execute().query("SELECT " + COLUMNS + " FROM client_tokens WHERE revoked_at = 0 ORDER BY id")) {
            return rows.map(TokenRepository::map).toList();
        }
    }

    /** Why a name is not accepted (blank, too long, used by another valid token), or null when it is. */
    public String nameProblem(String name) {
        if (name == null || name.isBlank()) {
            return "must not be blank";
        }
        String n = name.strip();
        if (n.length() > MAX_NAME) {
            return "is " + n.length() + " characters; at most " + MAX_NAME + " are accepted";
        }
        if (n.chars().anyMatch(c -> c < 0x20)) {
            return "contains control characters";
        }
        boolean taken = list().stream().anyMatch(t -> t.name().equalsIgnoreCase(n));
        return taken ? "'" + n + "' is already the name of a token; names must be unique" : null;
    }

    /**
     * Creates a token named {@code name}.
     *
     * @throws IllegalArgumentException when the name is not accepted (see {@link #nameProblem})
     */
    public Created create(String name) {
        String problem = nameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException("name " + problem);
        }
        String token = Secrets.newToken(PREFIX);
        String hash = hash(token);
        long now = System.currentTimeMillis();
        db.execute().insert("INSERT INTO client_tokens(name, token_hash, masked, created_at) VALUES (?, ?, ?, ?)",
                name.strip(), hash, Secrets.mask(token), now);
        StoredToken stored = db.execute().get("SELECT " + COLUMNS + " FROM client_tokens WHERE token_hash = ?", hash)
                .map(TokenRepository::map).orElseThrow();
        return new Created(stored, token);
    }

    /** Revokes a valid token; false when there is none with this id. */
    public boolean revoke(long id) {
        return db.execute().update("UPDATE client_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0",
                System.currentTimeMillis(), id) > 0;
    }

    /** Hash to id of every valid token, for the in-memory check on the proxy path. */
    public Map<String, Long> activeHashes() {
        try (var rows = db.execute().query("SELECT id, token_hash FROM client_tokens WHERE revoked_at = 0")) {
            return rows.map(r -> Map.entry(Rows.str(r, "token_hash"), Rows.lng(r, "id")))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }
    }

    /** Records a use (callers throttle this; it is a database write). */
    public void touch(long id, long epochMs) {
        db.execute().update("UPDATE client_tokens SET last_used_at = ? WHERE id = ? AND last_used_at < ?", epochMs, id,
                epochMs);
    }

    /** The stored form of a token: lower-case hex SHA-256 of its UTF-8 bytes. */
    public static String hash(String token) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(token.getBytes(StandardCharsets.UTF_8))).toLowerCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static StoredToken map(DbRow r) {
        return new StoredToken(Rows.lng(r, "id"), Rows.str(r, "name"), Rows.str(r, "masked"), Rows.lng(r, "created_at"),
                Rows.lng(r, "last_used_at"), Rows.lng(r, "revoked_at"));
    }
}
