-- hopnhat store, schema version 6: conflicts found by person. Foreign keys are checked at the
-- end of a run's transaction, and each person a run stores is then looked up among the rows
-- that refer to it; without this index that was a scan of every case per person.
CREATE INDEX conflicts_by_person ON conflicts(person_id);
