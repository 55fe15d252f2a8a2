-- Per endpoint: the longest wait for response headers before failing over (schema version 4).
-- A black-holed upstream used to hold a request for the whole timeout_ms (600 s by default).
ALTER TABLE endpoints ADD COLUMN headers_timeout_ms INTEGER NOT NULL DEFAULT 60000;
