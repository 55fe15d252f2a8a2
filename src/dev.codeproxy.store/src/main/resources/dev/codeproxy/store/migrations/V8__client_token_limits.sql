-- Limits on client tokens (schema version 8): who holds the token, a budget per UTC day or month,
-- requests and tokens per minute, the models it may ask for, and an expiry. Zero (or '') means
-- "no limit" in every column, so tokens made before version 8 keep working exactly as before.
-- Money is in integer micro-dollars, times in epoch milliseconds (UTC), as elsewhere.
-- models: allowed model names, comma-separated ('' = every model); a request's model is allowed
-- when it contains one of them (case-insensitive), as the routes' model:<substring> rule matches.
ALTER TABLE client_tokens ADD COLUMN owner TEXT NOT NULL DEFAULT '';

ALTER TABLE client_tokens ADD COLUMN budget_micros INTEGER NOT NULL DEFAULT 0;

ALTER TABLE client_tokens ADD COLUMN budget_period TEXT NOT NULL DEFAULT 'month';

ALTER TABLE client_tokens ADD COLUMN rpm INTEGER NOT NULL DEFAULT 0;

ALTER TABLE client_tokens ADD COLUMN tpm INTEGER NOT NULL DEFAULT 0;

ALTER TABLE client_tokens ADD COLUMN models TEXT NOT NULL DEFAULT '';

ALTER TABLE client_tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;

-- What a token spent in one budget period (period_start: 00:00 UTC of the day, or of the 1st of the
-- month). Written by an atomic upsert when a request's cost is known, so several instances sharing
-- one database add to the same row.
CREATE TABLE client_token_spend (
    token_id     INTEGER NOT NULL,
    period_start INTEGER NOT NULL,
    spent_micros INTEGER NOT NULL DEFAULT 0,
    requests     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (token_id, period_start)
);

-- One rate window per token and UTC minute (minute: epoch milliseconds / 60000): requests admitted
-- in it (counted at admission by an atomic upsert that returns the new count) and tokens used
-- (added when a request ends). Rows older than a few minutes are deleted by the proxy.
CREATE TABLE client_token_window (
    token_id INTEGER NOT NULL,
    minute   INTEGER NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0,
    tokens   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (token_id, minute)
);
