-- Routes by request kind (issue 14): the route each request took, sums per route, and what each
-- endpoint accepts of Claude Code's beta flags and body fields.

-- The rule's match ('background', 'model:opus', ...) or 'default'; '' for requests logged before.
ALTER TABLE requests ADD COLUMN route TEXT NOT NULL DEFAULT '';

-- The Logs page filters by route.
CREATE INDEX requests_route ON requests(route, id);

-- Per UTC hour and route: requests, tokens and cost (the dashboard's "by route"); written with the
-- rows they sum, kept like stats_hourly.
CREATE TABLE stats_route_hourly (
    hour_start            INTEGER NOT NULL,
    route                 TEXT    NOT NULL,
    requests              INTEGER NOT NULL DEFAULT 0,
    errors                INTEGER NOT NULL DEFAULT 0,
    input_tokens          INTEGER NOT NULL DEFAULT 0,
    output_tokens         INTEGER NOT NULL DEFAULT 0,
    cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens     INTEGER NOT NULL DEFAULT 0,
    cost_micros           INTEGER NOT NULL DEFAULT 0,
    unpriced              INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hour_start, route)
) WITHOUT ROWID;

-- An endpoint's compatibility: JSON {"dropBetas":[],"allowBetas":[],"dropFields":[],"allowFields":[]}, '' for none.
ALTER TABLE endpoints ADD COLUMN compat TEXT NOT NULL DEFAULT '';
