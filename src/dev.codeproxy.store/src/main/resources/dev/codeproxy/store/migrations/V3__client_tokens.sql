-- Client tokens created in the dashboard or the API (schema version 3), besides the one fixed
-- client token (CODE_PROXY_CLIENT_TOKEN or the data directory's client-token file).
-- Only a SHA-256 hash of each token is stored: the token itself is shown once, when created.
-- Revoked tokens keep their row (revoked_at set) so the list of what existed stays complete.
CREATE TABLE client_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    masked       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX client_tokens_active ON client_tokens(revoked_at, id);
