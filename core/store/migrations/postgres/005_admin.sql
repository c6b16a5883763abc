-- Schema version 5: decisions, users, sessions, the hash-chained audit log, and who holds the
-- run lock (the lock itself is a PostgreSQL advisory lock, released when its session ends).
CREATE TABLE decisions (
  id          BIGSERIAL PRIMARY KEY,
  kind        TEXT NOT NULL,
  conflict_id BIGINT,
  person_id   TEXT NOT NULL DEFAULT '',
  field       TEXT NOT NULL DEFAULT '',
  records     TEXT NOT NULL DEFAULT '[]',
  value       TEXT NOT NULL DEFAULT '',
  source      TEXT NOT NULL DEFAULT '',
  record_id   TEXT NOT NULL DEFAULT '',
  note        TEXT NOT NULL DEFAULT '',
  author      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'active',
  status_note TEXT NOT NULL DEFAULT '',
  undone_by   TEXT NOT NULL DEFAULT '',
  undone_at   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX decisions_person ON decisions(person_id);

CREATE TABLE users (
  name          TEXT PRIMARY KEY,
  role          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled      BOOLEAN NOT NULL DEFAULT FALSE,
  created_at    TEXT NOT NULL,
  failed_logins BIGINT NOT NULL DEFAULT 0,
  locked_until  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_name  TEXT NOT NULL REFERENCES users(name),
  csrf       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);

CREATE TABLE audit_log (
  seq       BIGINT PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  detail    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE run_lock_holder (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  what  TEXT NOT NULL,
  since TEXT NOT NULL
);
