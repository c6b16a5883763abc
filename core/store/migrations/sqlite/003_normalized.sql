-- hopnhat store, schema version 3: each record's normalised values, computed once when the
-- record is new or changed (JSON: canonical field -> normalised text, "!invalid": [fields]).
-- An empty object means "not yet normalised": the next run computes it.
ALTER TABLE source_records ADD COLUMN normalized TEXT NOT NULL DEFAULT '{}';
