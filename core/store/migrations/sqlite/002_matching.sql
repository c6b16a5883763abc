-- hopnhat store, schema version 2: probabilistic matching.
-- Person lineage: a merged person points at the person that absorbed it; a person split off
-- another points at it.
ALTER TABLE persons ADD COLUMN merged_into TEXT;
ALTER TABLE persons ADD COLUMN split_from TEXT;

-- The trained match model of each run (m and u per comparison level, the settings), so that
-- `hopnhat explain` shows the weights a decision was made with.
CREATE TABLE match_models (
  run_id INTEGER PRIMARY KEY,
  model  TEXT NOT NULL
);
