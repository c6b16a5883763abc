-- hopnhat store on PostgreSQL, schema version 1: runs, source records, persons, links,
-- conflicts (the same tables as store/migrations/sqlite/001_initial.sql, in PostgreSQL's types).
-- References to persons are checked at commit: persons are bulk-loaded in batches (COPY), and a
-- link or a conflict may be written before the batch holding its person.
CREATE TABLE runs (
  id          BIGSERIAL PRIMARY KEY,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL,
  dry_run     BOOLEAN NOT NULL DEFAULT FALSE,
  report      TEXT
);

CREATE TABLE source_states (
  source       TEXT PRIMARY KEY,
  state        TEXT NOT NULL DEFAULT '',
  record_count BIGINT NOT NULL DEFAULT 0,
  run_id       BIGINT NOT NULL
);

CREATE TABLE source_records (
  source       TEXT NOT NULL,
  record_id    TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  origin       TEXT NOT NULL DEFAULT '',
  fields       TEXT NOT NULL,
  attributes   TEXT NOT NULL,
  first_run    BIGINT NOT NULL,
  changed_run  BIGINT NOT NULL,
  deleted_run  BIGINT,
  PRIMARY KEY (source, record_id)
);

CREATE TABLE persons (
  id          TEXT PRIMARY KEY,
  created_run BIGINT NOT NULL,
  updated_run BIGINT NOT NULL,
  retired_run BIGINT,
  golden      TEXT NOT NULL
);

CREATE TABLE links (
  source    TEXT NOT NULL,
  record_id TEXT NOT NULL,
  person_id TEXT NOT NULL REFERENCES persons(id) DEFERRABLE INITIALLY DEFERRED,
  status    TEXT NOT NULL,
  score     DOUBLE PRECISION,
  rule      TEXT NOT NULL,
  run_id    BIGINT NOT NULL,
  PRIMARY KEY (source, record_id)
);
CREATE INDEX links_by_person ON links(person_id);

CREATE TABLE conflicts (
  id         BIGSERIAL PRIMARY KEY,
  person_id  TEXT NOT NULL REFERENCES persons(id) DEFERRABLE INITIALLY DEFERRED,
  field      TEXT NOT NULL,
  kind       TEXT NOT NULL,
  status     TEXT NOT NULL,
  candidates TEXT NOT NULL,
  opened_run BIGINT NOT NULL,
  closed_run BIGINT
);
CREATE INDEX conflicts_by_status ON conflicts(status, person_id);

CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
