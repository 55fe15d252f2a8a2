package dev.codeproxy.store;

import dev.codeproxy.core.secret.Secrets;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Client tokens created through the admin API or {@code code-proxy token create}, with their
 * limits ({@link TokenLimits}; what they used is in {@link TokenMeter}). Only the
 * SHA-256 hash of a token is stored, with its masked form for display: the full token exists
 * once, in the {@link Created} returned by {@link #create}. Revoking keeps the row.
 */
public final class TokenRepository {
    /** Longest token name. */
    public static final int MAX_NAME = 100;
    /** Prefix of generated client tokens (the same as the generated {@code client-token} file's). */
    public static final String PREFIX = "cp-";

    private static final String COLUMNS = "id, name, masked, created_at, last_used_at, revoked_at, owner, "
            + "budget_micros, budget_period, rpm, tpm, models, expires_at";

    /**
     * A stored token as it may be shown.
     *
     * @param lastUsedAtEpochMs 0 when never used (updated at most once a minute)
     * @param revokedAtEpochMs  0 while the token is valid
     * @param limits            its limits ({@link TokenLimits#NONE} when it has none)
     */
    public record StoredToken(long id, String name, String masked, long createdAtEpochMs, long lastUsedAtEpochMs,
                              long revokedAtEpochMs, TokenLimits limits) {
        public StoredToken {
            limits = limits == null ? TokenLimits.NONE : limits;
        }

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
        return create(name, TokenLimits.NONE);
    }

    /**
     * Creates a token named {@code name} with {@code limits} (validated by the caller through
     * {@link TokenLimits}' parse methods).
     *
     * @throws IllegalArgumentException when the name is not accepted (see {@link #nameProblem})
     */
    public Created create(String name, TokenLimits limits) {
        String problem = nameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException("name " + problem);
        }
        String token = Secrets.newToken(PREFIX);
        String hash = hash(token);
        long now = System.currentTimeMillis();
        TokenLimits l = limits == null ? TokenLimits.NONE : limits;
        db.execute().insert("INSERT INTO client_tokens(name, token_hash, masked, created_at, owner, budget_micros, "
                        + "budget_period, rpm, tpm, models, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                name.strip(), hash, Secrets.mask(token), now, l.owner(), l.budgetMicros(), l.period().wire(), l.rpm(),
                l.tpm(), l.modelsText(), expiresMs(l));
        StoredToken stored = db.execute().get("SELECT " + COLUMNS + " FROM client_tokens WHERE token_hash = ?", hash)
                .map(TokenRepository::map).orElseThrow();
        return new Created(stored, token);
    }

    /** A valid (not revoked) token by id. */
    public Optional<StoredToken> find(long id) {
        return db.execute().get("SELECT " + COLUMNS + " FROM client_tokens WHERE id = ? AND revoked_at = 0", id)
                .map(TokenRepository::map);
    }

    /** Replaces a valid token's limits; false when there is none with this id. */
    public boolean update(long id, TokenLimits limits) {
        TokenLimits l = limits == null ? TokenLimits.NONE : limits;
        return db.execute().update("UPDATE client_tokens SET owner = ?, budget_micros = ?, budget_period = ?, rpm = ?, "
                        + "tpm = ?, models = ?, expires_at = ? WHERE id = ? AND revoked_at = 0", l.owner(),
                l.budgetMicros(), l.period().wire(), l.rpm(), l.tpm(), l.modelsText(), expiresMs(l), id) > 0;
    }

    /** The database this repository works on (the token meter and price table share it). */
    public DbClient client() {
        return db;
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

    /** Every valid token by the hash of its value, for the in-memory check on the proxy path. */
    public Map<String, StoredToken> activeTokens() {
        try (var rows = db.execute().query("SELECT token_hash, " + COLUMNS + " FROM client_tokens WHERE revoked_at = 0")) {
            return rows.map(r -> Map.entry(Rows.str(r, "token_hash"), map(r)))
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
        long expires = Rows.lng(r, "expires_at");
        String models = Rows.text(r, "models");
        String period = Rows.text(r, "budget_period");
        TokenLimits limits = new TokenLimits(Rows.text(r, "owner"), Rows.lng(r, "budget_micros"),
                "day".equals(period) ? TokenLimits.Period.DAY : TokenLimits.Period.MONTH, Rows.lng(r, "rpm"),
                Rows.lng(r, "tpm"), models.isEmpty() ? List.of() : List.of(models.split(",")),
                expires == 0 ? null : Instant.ofEpochMilli(expires).atZone(ZoneOffset.UTC).toLocalDate());
        return new StoredToken(Rows.lng(r, "id"), Rows.str(r, "name"), Rows.str(r, "masked"), Rows.lng(r, "created_at"),
                Rows.lng(r, "last_used_at"), Rows.lng(r, "revoked_at"), limits);
    }

    private static long expiresMs(TokenLimits l) {
        return l.expires() == null ? 0 : l.expiresAt().toEpochMilli();
    }
}
