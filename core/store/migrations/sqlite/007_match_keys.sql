-- hopnhat store, schema version 7: each link keeps its record's match keys (match::MatchKeys, 8
-- bytes per hash: blocking keys, then term-frequency values), so that a run where few records
-- changed finds their neighbours without reading every record. Empty until a run matches it.
ALTER TABLE links ADD COLUMN match_keys BLOB NOT NULL DEFAULT x'';
