-- Request bodies stored by their parts (schema version 7). Claude Code resends the whole
-- conversation on every turn; a body is now split into its top-level parts (the envelope: every
-- byte but the parts below; `system`; `tools`; each element of `messages`), and each part is
-- stored once, keyed by the SHA-256 of its stored (redacted) bytes and compressed once.
-- data: a zlib stream (java.util.zip.Deflater) of `size` bytes. refs: how many references the
-- request_bodies layouts hold; a part whose refs reach 0 is deleted with the rows that held it.
CREATE TABLE request_parts (
    id   INTEGER PRIMARY KEY,
    hash BLOB    NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    refs INTEGER NOT NULL DEFAULT 0,
    data BLOB    NOT NULL
);

-- request_layout: how the parts rebuild the body, byte for byte (see BodyLayout); NULL for bodies
-- stored whole in request_body (rows written before version 7, cut or non-JSON bodies).
-- session_key: a hash of the Claude Code session the request belongs to ('' when none), so that
-- the detail can say which messages are new against the previous request of the same session.
ALTER TABLE request_bodies ADD COLUMN request_layout BLOB;

ALTER TABLE request_bodies ADD COLUMN session_key TEXT NOT NULL DEFAULT '';

CREATE INDEX request_bodies_session ON request_bodies(session_key, request_id);
