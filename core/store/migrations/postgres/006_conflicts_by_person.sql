-- hopnhat store, schema version 6: conflicts found by person (a person's page, and the same
-- schema versions on both backends).
CREATE INDEX conflicts_by_person ON conflicts(person_id);
