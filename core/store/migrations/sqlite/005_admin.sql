-- hopnhat store, schema version 5: what administrators do. Decisions (applied on every later
-- run before any automatic decision), user accounts and sessions of the admin server, and the
-- append-only, hash-chained audit log.
CREATE TABLE decisions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,            -- same | different | choose | value | defer
  conflict_id INTEGER,           -- the case it resolved
  person_id TEXT NOT NULL DEFAULT '',
  field TEXT NOT NULL DEFAULT '',
  records TEXT NOT NULL DEFAULT '[]',  -- JSON [[source, record_id], …]: the records it is about
  value TEXT NOT NULL DEFAULT '',      -- choose/value: the golden value decided
  source TEXT NOT NULL DEFAULT '',     -- choose: where the chosen value came from
  record_id TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',  -- active | undone | orphaned (its records disappeared)
  status_note TEXT NOT NULL DEFAULT '',
  undone_by TEXT NOT NULL DEFAULT '',
  undone_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX decisions_person ON decisions(person_id);

CREATE TABLE users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,              -- viewer | reviewer | admin
  password_hash TEXT NOT NULL,     -- Argon2id, encoded with its parameters and salt
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,     -- SHA-256 of the cookie's token: a stolen store holds no live session
  user_name TEXT NOT NULL REFERENCES users(name),
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,            -- JSON
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL               -- SHA-256 over seq, at, actor, action, detail and prev_hash
);
-- Append-only: the store itself refuses to change or remove an entry.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
