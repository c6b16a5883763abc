-- hopnhat store, schema version 8 (the same version as SQLite's, which widened its index of
-- links by person for exports). PostgreSQL keeps its index: an index-only scan would need a
-- visibility map that a run's fresh rows do not have yet, so hopnhat sorts the live links itself.
COMMENT ON INDEX links_by_person IS 'links of a person; exports sort the live links in hopnhat';
