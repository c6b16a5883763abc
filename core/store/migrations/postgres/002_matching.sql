-- Schema version 2: person lineage and each run's trained match model.
ALTER TABLE persons ADD COLUMN merged_into TEXT;
ALTER TABLE persons ADD COLUMN split_from TEXT;
CREATE TABLE match_models (
  run_id BIGINT PRIMARY KEY,
  model  TEXT NOT NULL
);
