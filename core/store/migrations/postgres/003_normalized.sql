-- Schema version 3: each record's normalised values, computed when it is new or changed.
ALTER TABLE source_records ADD COLUMN normalized TEXT NOT NULL DEFAULT '{}';
