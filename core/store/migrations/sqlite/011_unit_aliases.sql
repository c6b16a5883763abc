-- hopnhat store, schema version 11: administrators' answers to "which unit does this text mean"
-- (docs/organisation.md). The text exactly as records write it, the unit's code, who said so and
-- when; each change is also in the audit log. They hold on every later run.
CREATE TABLE unit_aliases (
  text TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  actor TEXT NOT NULL,
  created_at TEXT NOT NULL
);
