-- Claude Code sessions and usage reports (schema version 6). Like stats_hourly, these tables are
-- written in the log writer's batch transaction and never pruned with the log, so sessions and
-- the `code-proxy usage` reports survive `logRetention`; they are small and kept for good.

-- The session key (x-claude-code-session-id, else the session part of metadata.user_id) and the
-- project (Claude Code's working directory) of each logged request; '' when none.
ALTER TABLE requests ADD COLUMN session_id TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN project TEXT NOT NULL DEFAULT '';
CREATE INDEX requests_session ON requests(session_id, id);

-- One row per session. last_at: when its latest request ended. last_endpoint: the endpoint that
-- served its latest served request. endpoints: every endpoint that served it, comma-separated in
-- order of first use. A served request whose endpoint differs from the session's previous one
-- is an endpoint switch; its cache writes (the prompt cache the switch threw away) are counted
-- in failover_cache_write_tokens and failover_cost_micros.
CREATE TABLE sessions (
    session_id                  TEXT    PRIMARY KEY,
    project                     TEXT    NOT NULL DEFAULT '',
    first_at                    INTEGER NOT NULL,
    last_at                     INTEGER NOT NULL,
    requests                    INTEGER NOT NULL DEFAULT 0,
    errors                      INTEGER NOT NULL DEFAULT 0,
    failed_over                 INTEGER NOT NULL DEFAULT 0,
    input_tokens                INTEGER NOT NULL DEFAULT 0,
    output_tokens               INTEGER NOT NULL DEFAULT 0,
    cache_write_5m_tokens       INTEGER NOT NULL DEFAULT 0,
    cache_write_1h_tokens       INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens           INTEGER NOT NULL DEFAULT 0,
    cost_micros                 INTEGER NOT NULL DEFAULT 0,
    unpriced                    INTEGER NOT NULL DEFAULT 0,
    endpoint_switches           INTEGER NOT NULL DEFAULT 0,
    failover_cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    failover_cost_micros        INTEGER NOT NULL DEFAULT 0,
    last_endpoint               TEXT    NOT NULL DEFAULT '',
    endpoints                   TEXT    NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE INDEX sessions_last_at ON sessions(last_at);

-- Per session and billed model (the model sent upstream, else the one asked for).
CREATE TABLE session_models (
    session_id            TEXT    NOT NULL,
    model                 TEXT    NOT NULL,
    requests              INTEGER NOT NULL DEFAULT 0,
    input_tokens          INTEGER NOT NULL DEFAULT 0,
    output_tokens         INTEGER NOT NULL DEFAULT 0,
    cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens     INTEGER NOT NULL DEFAULT 0,
    cost_micros           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, model)
) WITHOUT ROWID;

-- Per UTC hour and billed model, with the first and last request start in the hour: the daily,
-- monthly and 5-hour block reports.
CREATE TABLE usage_hourly (
    hour_start            INTEGER NOT NULL,
    model                 TEXT    NOT NULL,
    requests              INTEGER NOT NULL DEFAULT 0,
    input_tokens          INTEGER NOT NULL DEFAULT 0,
    output_tokens         INTEGER NOT NULL DEFAULT 0,
    cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens     INTEGER NOT NULL DEFAULT 0,
    cost_micros           INTEGER NOT NULL DEFAULT 0,
    unpriced              INTEGER NOT NULL DEFAULT 0,
    first_at              INTEGER NOT NULL,
    last_at               INTEGER NOT NULL,
    PRIMARY KEY (hour_start, model)
) WITHOUT ROWID;
