-- hopnhat store, schema version 8: the index of links by person holds each link's record and
-- status too, in (person, source, record id) order, so that an export reads the live links in
-- the order it walks the persons from the index alone: no table rows, no sort.
DROP INDEX links_by_person;
CREATE INDEX links_by_person ON links(person_id, source, record_id, status);
