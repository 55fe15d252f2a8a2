-- Which instance served a request, when several share one database ('' for one instance alone).
ALTER TABLE requests ADD COLUMN instance TEXT NOT NULL DEFAULT '';
