-- hopnhat store, schema version 14: the SQLite store moved its source records and links to rowid tables
-- with the key in an index beside them. A PostgreSQL table is such a heap already: nothing to do
-- here but keep both backends at the same version.
SELECT 1;
