-- Request log, its aggregates and the price overrides (schema version 2).
-- Times are epoch milliseconds; durations are milliseconds (-1 when the moment never came).
-- Text keys use '' rather than NULL so that primary keys and GROUP BY treat "none" as one value.

-- One row per client request, the newest `logRetention` kept. The id is the proxy's request id.
CREATE TABLE requests (
    id                    INTEGER PRIMARY KEY,
    started_at            INTEGER NOT NULL,
    method                TEXT    NOT NULL DEFAULT '',
    path                  TEXT    NOT NULL DEFAULT '',
    query                 TEXT,
    model                 TEXT    NOT NULL DEFAULT '',
    sent_model            TEXT    NOT NULL DEFAULT '',
    stream                INTEGER NOT NULL DEFAULT 0,
    status                INTEGER NOT NULL,
    endpoint              TEXT    NOT NULL DEFAULT '',
    attempts              INTEGER NOT NULL DEFAULT 0,
    failed_over           INTEGER NOT NULL DEFAULT 0,
    outcome               TEXT    NOT NULL,
    headers_ms            INTEGER NOT NULL DEFAULT -1,
    first_token_ms        INTEGER NOT NULL DEFAULT -1,
    total_ms              INTEGER NOT NULL DEFAULT 0,
    input_tokens          INTEGER NOT NULL DEFAULT 0,
    output_tokens         INTEGER NOT NULL DEFAULT 0,
    cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens     INTEGER NOT NULL DEFAULT 0,
    cost_micros           INTEGER NOT NULL DEFAULT 0,
    priced                INTEGER NOT NULL DEFAULT 0,
    error                 TEXT
);

-- The log list pages by id (newest first) under these filters.
CREATE INDEX requests_started_at ON requests(started_at);
CREATE INDEX requests_endpoint ON requests(endpoint, id);
CREATE INDEX requests_model ON requests(model, id);
CREATE INDEX requests_status ON requests(status, id);

-- Each try of an endpoint within a request. started_ms is the offset from the request's start.
CREATE TABLE request_attempts (
    request_id  INTEGER NOT NULL,
    attempt     INTEGER NOT NULL,
    endpoint    TEXT    NOT NULL DEFAULT '',
    sent_model  TEXT    NOT NULL DEFAULT '',
    outcome     TEXT    NOT NULL DEFAULT '',
    status      INTEGER NOT NULL DEFAULT 0,
    started_ms  INTEGER NOT NULL DEFAULT 0,
    headers_ms  INTEGER NOT NULL DEFAULT -1,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (request_id, attempt)
) WITHOUT ROWID;

-- Headers (JSON objects of name -> [values], secrets redacted) and bodies of the newest
-- `bodyRetention` requests. Bodies are zlib streams (java.util.zip.Deflater), NULL when not
-- captured; *_size is the captured length before compression.
CREATE TABLE request_bodies (
    request_id              INTEGER PRIMARY KEY,
    request_headers         TEXT    NOT NULL DEFAULT '{}',
    sent_headers            TEXT    NOT NULL DEFAULT '{}',
    response_headers        TEXT    NOT NULL DEFAULT '{}',
    request_body            BLOB,
    request_body_size       INTEGER NOT NULL DEFAULT 0,
    request_body_truncated  INTEGER NOT NULL DEFAULT 0,
    response_body           BLOB,
    response_body_size      INTEGER NOT NULL DEFAULT 0,
    response_body_truncated INTEGER NOT NULL DEFAULT 0
);

-- Per UTC hour, endpoint and model: written in the same transaction as the rows they sum, never
-- pruned with the log (kept 400 days). Latency histograms count served requests (success and
-- failed_over) in fixed buckets: comma-separated counts, trailing zeros left out (see Histogram).
-- attempts / attempt_failures count tries made by this endpoint (which may have served nothing).
CREATE TABLE stats_hourly (
    hour_start            INTEGER NOT NULL,
    endpoint              TEXT    NOT NULL,
    model                 TEXT    NOT NULL,
    sent_model            TEXT    NOT NULL,
    requests              INTEGER NOT NULL DEFAULT 0,
    success               INTEGER NOT NULL DEFAULT 0,
    failed_over           INTEGER NOT NULL DEFAULT 0,
    client_error          INTEGER NOT NULL DEFAULT 0,
    upstream_error        INTEGER NOT NULL DEFAULT 0,
    stream                INTEGER NOT NULL DEFAULT 0,
    attempts              INTEGER NOT NULL DEFAULT 0,
    attempt_failures      INTEGER NOT NULL DEFAULT 0,
    input_tokens          INTEGER NOT NULL DEFAULT 0,
    output_tokens         INTEGER NOT NULL DEFAULT 0,
    cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens     INTEGER NOT NULL DEFAULT 0,
    cost_micros           INTEGER NOT NULL DEFAULT 0,
    unpriced              INTEGER NOT NULL DEFAULT 0,
    total_ms_sum          INTEGER NOT NULL DEFAULT 0,
    total_ms_max          INTEGER NOT NULL DEFAULT 0,
    total_hist            TEXT    NOT NULL DEFAULT '',
    first_token_ms_sum    INTEGER NOT NULL DEFAULT 0,
    first_token_ms_max    INTEGER NOT NULL DEFAULT 0,
    first_token_hist      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (hour_start, endpoint, model, sent_model)
) WITHOUT ROWID;

-- Per day in the log's time zone ('YYYY-MM-DD'): the summary cards and the year heatmap.
CREATE TABLE stats_daily (
    day                   TEXT    PRIMARY KEY,
    requests              INTEGER NOT NULL DEFAULT 0,
    success               INTEGER NOT NULL DEFAULT 0,
    failed_over           INTEGER NOT NULL DEFAULT 0,
    client_error          INTEGER NOT NULL DEFAULT 0,
    upstream_error        INTEGER NOT NULL DEFAULT 0,
    input_tokens          INTEGER NOT NULL DEFAULT 0,
    output_tokens         INTEGER NOT NULL DEFAULT 0,
    cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens     INTEGER NOT NULL DEFAULT 0,
    cost_micros           INTEGER NOT NULL DEFAULT 0,
    unpriced              INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- User prices over the bundled table (USD per million tokens, exact decimals as text).
-- pattern: a model id, or a prefix ending in '*'.
CREATE TABLE price_overrides (
    pattern        TEXT    PRIMARY KEY,
    input          TEXT    NOT NULL,
    output         TEXT    NOT NULL,
    cache_write_5m TEXT    NOT NULL,
    cache_write_1h TEXT    NOT NULL,
    cache_read     TEXT    NOT NULL,
    updated_at     INTEGER NOT NULL
);

-- Small counters; price_overrides_version changes with every override change so that the log
-- writer (any process) reloads its price table.
CREATE TABLE store_meta (
    key   TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
);

INSERT INTO store_meta(key, value) VALUES ('price_overrides_version', 0);
