-- hopnhat store, schema version 1: runs, source records, persons, links, conflicts.
CREATE TABLE runs (
  id          INTEGER PRIMARY KEY,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL,            -- running | succeeded | failed
  dry_run     INTEGER NOT NULL DEFAULT 0,
  report      TEXT                      -- the JSON run report
);

-- The importer's bookmark and the size of the last full snapshot, per source.
CREATE TABLE source_states (
  source       TEXT PRIMARY KEY,
  state        TEXT NOT NULL DEFAULT '',
  record_count INTEGER NOT NULL DEFAULT 0,
  run_id       INTEGER NOT NULL
);

CREATE TABLE source_records (
  source       TEXT NOT NULL,
  record_id    TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  origin       TEXT NOT NULL DEFAULT '',
  fields       TEXT NOT NULL,           -- JSON object: canonical field -> text as imported
  attributes   TEXT NOT NULL,           -- JSON array of [column, text], in source order
  first_run    INTEGER NOT NULL,
  changed_run  INTEGER NOT NULL,
  deleted_run  INTEGER,                 -- set when a full snapshot no longer had it
  PRIMARY KEY (source, record_id)
) WITHOUT ROWID;

CREATE TABLE persons (
  id          TEXT PRIMARY KEY,          -- stable: "P0000001"
  created_run INTEGER NOT NULL,
  updated_run INTEGER NOT NULL,
  retired_run INTEGER,
  golden      TEXT NOT NULL              -- JSON: field -> {value, source, record_id, run, rule}
);

CREATE TABLE links (
  source    TEXT NOT NULL,
  record_id TEXT NOT NULL,
  person_id TEXT NOT NULL REFERENCES persons(id),
  status    TEXT NOT NULL,               -- linked | deleted
  score     REAL,
  rule      TEXT NOT NULL,               -- why: "citizen_id", "only_record", …
  run_id    INTEGER NOT NULL,
  PRIMARY KEY (source, record_id)
) WITHOUT ROWID;
CREATE INDEX links_by_person ON links(person_id);

CREATE TABLE conflicts (
  id         INTEGER PRIMARY KEY,
  person_id  TEXT NOT NULL REFERENCES persons(id),
  field      TEXT NOT NULL,
  kind       TEXT NOT NULL,              -- value_mismatch
  status     TEXT NOT NULL,              -- open | closed
  candidates TEXT NOT NULL,              -- JSON array of {source, record_id, value}
  opened_run INTEGER NOT NULL,
  closed_run INTEGER
);
CREATE INDEX conflicts_by_status ON conflicts(status, person_id);

CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
