-- hopnhat store, schema version 10: the queue of cases answers from the conflicts table alone.
-- Each case keeps its severity and what the queue shows and filters by (the person's name and
-- unit, the sources involved), written by the run that opens or updates it; the indexes serve the
-- queue's orders and filters by status first (settled and closed rows far outnumber open ones).
ALTER TABLE conflicts ADD COLUMN severity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conflicts ADD COLUMN person_name TEXT NOT NULL DEFAULT '';
ALTER TABLE conflicts ADD COLUMN unit TEXT NOT NULL DEFAULT '';
ALTER TABLE conflicts ADD COLUMN sources TEXT NOT NULL DEFAULT '';
CREATE INDEX conflicts_queue ON conflicts(status, severity DESC, id);
CREATE INDEX conflicts_queue_by_kind ON conflicts(status, kind, severity DESC, id);
CREATE INDEX conflicts_queue_by_unit ON conflicts(status, unit);
