-- hopnhat store, schema version 14: source records and links in rowid tables, their key in a unique index
-- beside it. A full read meets records in the source's order, not the key's; in a table clustered
-- on the key (WITHOUT ROWID, rows of most of a kilobyte) each insert landed on a random page of a
-- table far larger than the cache, which SQLite wrote out and read back again and again: half the
-- import of a million persons. Now rows append, and only the narrow key index takes random inserts.
CREATE TABLE source_records_by_rowid (
  source       TEXT NOT NULL,
  record_id    TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  origin       TEXT NOT NULL DEFAULT '',
  fields       TEXT NOT NULL,
  attributes   TEXT NOT NULL,
  first_run    INTEGER NOT NULL,
  changed_run  INTEGER NOT NULL,
  deleted_run  INTEGER,
  normalized   TEXT NOT NULL DEFAULT '{}',
  history      TEXT
);
INSERT INTO source_records_by_rowid(source, record_id, content_hash, origin, fields, attributes, first_run, changed_run,
                                    deleted_run, normalized, history)
  SELECT source, record_id, content_hash, origin, fields, attributes, first_run, changed_run, deleted_run, normalized, history
  FROM source_records ORDER BY source, record_id;
DROP TABLE source_records;
ALTER TABLE source_records_by_rowid RENAME TO source_records;
CREATE UNIQUE INDEX source_records_key ON source_records(source, record_id);

-- The links likewise: a run writes them person by person, so in no order of their key.
CREATE TABLE links_by_rowid (
  source     TEXT NOT NULL,
  record_id  TEXT NOT NULL,
  person_id  TEXT NOT NULL REFERENCES persons(id),
  status     TEXT NOT NULL,
  score      REAL,
  rule       TEXT NOT NULL,
  run_id     INTEGER NOT NULL,
  match_keys BLOB NOT NULL DEFAULT x''
);
INSERT INTO links_by_rowid(source, record_id, person_id, status, score, rule, run_id, match_keys)
  SELECT source, record_id, person_id, status, score, rule, run_id, match_keys FROM links ORDER BY person_id, source, record_id;
DROP TABLE links;
ALTER TABLE links_by_rowid RENAME TO links;
CREATE UNIQUE INDEX links_key ON links(source, record_id);
CREATE INDEX links_by_person ON links(person_id, source, record_id, status);
