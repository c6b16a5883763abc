-- hopnhat store, schema version 13: a record's history as its source states it (SDK ABI 4,
-- docs/organisation.md): postings, grades and party events with their dates, as a JSON array;
-- NULL for the records of sources that keep none (most of them).
ALTER TABLE source_records ADD COLUMN history TEXT;
