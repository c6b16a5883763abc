-- hopnhat store, schema version 12: the organisation's registry as the last run read it from the
-- units and crosswalk files (docs/organisation.md): one row per unit period ("unit", key
-- CODE@VALID_FROM) and per crosswalk edge ("crosswalk", key OLD>NEW@VALID_FROM), the row as JSON.
-- A run that finds the files changed writes the difference here and each change to the audit
-- log, so the store can say which structure a run counted in and who changed it when.
CREATE TABLE org_registry (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  row TEXT NOT NULL,
  changed_run INTEGER NOT NULL,
  PRIMARY KEY (kind, key)
);
