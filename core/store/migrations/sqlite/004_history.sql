-- hopnhat store, schema version 4: the history of each person's golden values. One row per
-- field whose value changed in a run after the person was created (a person's first values are
-- in persons.golden and need no row), so a CV or a person page can show what changed and when.
CREATE TABLE person_changes (
  person_id TEXT NOT NULL REFERENCES persons(id),
  run_id INTEGER NOT NULL,
  changed_at TEXT NOT NULL,  -- the run's start; kept here because old runs are pruned
  field TEXT NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL,
  PRIMARY KEY (person_id, run_id, field)
) WITHOUT ROWID;
