-- hopnhat store, schema version 9: what an export that brings its last output up to date needs.
-- view_run is the last run that changed what an export shows of the person (golden values,
-- live links, open cases, history; its retirement); 0 marks a change an administrator made
-- outside a run, which the next run takes as its own. export_states remembers, per export,
-- what its exporter last wrote and as of which run.
ALTER TABLE persons ADD COLUMN view_run BIGINT NOT NULL DEFAULT 0;
UPDATE persons SET view_run = updated_run;
CREATE INDEX persons_by_view ON persons(view_run);

CREATE TABLE export_states (
  export  TEXT PRIMARY KEY,   -- the export's name in the configuration
  plugin  TEXT NOT NULL,      -- the plugin that wrote it
  state   TEXT NOT NULL,      -- what the exporter returned to recognise its output by
  fields  TEXT NOT NULL,      -- JSON array: the canonical fields the output was given
  run_id  BIGINT NOT NULL     -- the run whose persons the output shows
);
