-- Schema version 4: the history of each person's golden values after its creation.
CREATE TABLE person_changes (
  person_id  TEXT NOT NULL REFERENCES persons(id) DEFERRABLE INITIALLY DEFERRED,
  run_id     BIGINT NOT NULL,
  changed_at TEXT NOT NULL,
  field      TEXT NOT NULL,
  old_value  TEXT NOT NULL,
  new_value  TEXT NOT NULL,
  PRIMARY KEY (person_id, run_id, field)
);
