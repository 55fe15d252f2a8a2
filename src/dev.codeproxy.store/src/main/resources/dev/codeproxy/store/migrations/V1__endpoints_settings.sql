-- Endpoints and settings: the configuration a user can import, export and edit.
CREATE TABLE endpoints (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    name                 TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    note                 TEXT    NOT NULL DEFAULT '',
    enabled              INTEGER NOT NULL DEFAULT 1,
    priority             INTEGER NOT NULL,
    weight               INTEGER NOT NULL DEFAULT 1,
    base_url             TEXT    NOT NULL,
    api_key              TEXT    NOT NULL DEFAULT '',
    auth_style           TEXT    NOT NULL DEFAULT 'x-api-key',
    timeout_ms           INTEGER NOT NULL DEFAULT 600000,
    model_default        TEXT    NOT NULL DEFAULT '',
    model_small_fast     TEXT    NOT NULL DEFAULT '',
    model_haiku          TEXT    NOT NULL DEFAULT '',
    model_sonnet         TEXT    NOT NULL DEFAULT '',
    model_opus           TEXT    NOT NULL DEFAULT '',
    disable_nonessential INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
