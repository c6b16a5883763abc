#!/usr/bin/env bash
# Disagreements the survivorship rules settle are recorded as settled (no case): listed by
# `conflicts list --status settled`, counted in the report, kept as they are by a run that finds
# them again, reversible by a decision, closed when the sources agree again. A disagreement the
# rules cannot decide is a case, ordered by severity.
source "$(dirname "$0")/lib.sh"

# Person 1: two sources agree on the birth date, a third swapped day and month (agreement
# settles it). Person 2: two full birth dates, one source each, no CCCD to tell (a case).
cat > a.csv <<'CSV'
id,Họ và tên,Ngày sinh,Giới tính,Số CCCD
A1,Nguyễn Văn Hùng,12/09/1965,Nam,001065012345
A2,Trần Thị Mai,01/02/1980,Nữ,
CSV
cat > b.csv <<'CSV'
id,Họ và tên,Ngày sinh,Giới tính,Số CCCD
B1,Nguyễn Văn Hùng,1965-09-12,Nam,001065012345
B2,Trần Thị Mai,1980-02-03,Nữ,
CSV
cat > c.csv <<'CSV'
id,Họ và tên,Ngày sinh,Giới tính,Số CCCD
C1,Nguyễn Văn Hùng,09/12/1965,Nam,001065012345
CSV
cat > hopnhat.json <<'JSON'
{"store": {"sqlite": "hopnhat.db"},
 "sources": [{"name": "a", "plugin": "csv", "options": {"path": "a.csv", "id": "id"}},
             {"name": "b", "plugin": "csv", "options": {"path": "b.csv", "id": "id"}},
             {"name": "c", "plugin": "csv", "options": {"path": "c.csv", "id": "id"}}],
 "match": {"comparisons": [{"value": "full_name", "kind": "person_name"}, {"value": "gender", "kind": "exact"}],
           "blocking": [["citizen_id"], ["full_name:fold"]], "definite": 0.5, "candidate": 0.4}}
JSON
"$HOPNHAT" sync --config hopnhat.json --report r1.json >/dev/null 2>&1 || fail "first sync"
"$HOPNHAT" links --config hopnhat.json --format json > links.json
assert_eq "$(json links.json "len({l['person_id'] for l in j})")" "2" "two persons"
assert_eq "$(json r1.json "(j['conflicts']['settled'], j['conflicts']['open'])")" "(1, 1)" "one settled, one case"

"$HOPNHAT" conflicts list --config hopnhat.json --status settled --format json > settled.json
assert_eq "$(json settled.json "[(c['field'], c['status'], len(c['candidates'])) for c in j]")" "[('birth_date', 'settled', 3)]" "the settled disagreement"
"$HOPNHAT" conflicts list --config hopnhat.json --format json > open.json
assert_eq "$(json open.json "[(c['field'], c['status'], c['severity_label']) for c in j]")" "[('birth_date', 'open', 'high')]" "the case"
assert_contains "$("$HOPNHAT" conflicts list --config hopnhat.json --status settled)" "1 settled" "text listing"
P1=$(json settled.json "j[0]['person_id']")
"$HOPNHAT" persons --config hopnhat.json --format json > persons.json
assert_eq "$(json persons.json "[(p['fields']['birth_date']['value'], p['fields']['birth_date']['rule']) for p in j if p['person_id'] == '$P1'][0]")" "('1965-09-12', 'agreement')" "the rule's value"

# Found again: the same row, nothing new.
"$HOPNHAT" sync --config hopnhat.json --report r2.json >/dev/null 2>&1 || fail "second sync"
assert_eq "$(json r2.json "(j['conflicts']['settled'], j['conflicts']['open'], j['conflicts']['opened'], j['conflicts']['closed'])")" "(1, 1, 0, 0)" "idle run"
"$HOPNHAT" conflicts list --config hopnhat.json --status all --format json > all.json
assert_eq "$(json all.json "len(j)")" "2" "no row added"

# An administrator decides otherwise: the decision wins on every later run.
SID=$(json settled.json "j[0]['id']")
SWAP=$(json settled.json "[c['id'] for c in j[0]['candidates'] if c['value'] == '1965-12-09'][0]")
"$HOPNHAT" conflicts resolve "$SID" --action choose --candidate "$SWAP" --note "giấy khai sinh" --config hopnhat.json >/dev/null
"$HOPNHAT" sync --config hopnhat.json --report r3.json >/dev/null 2>&1 || fail "third sync"
"$HOPNHAT" persons --config hopnhat.json --format json > persons3.json
assert_eq "$(json persons3.json "[(p['fields']['birth_date']['value'], p['fields']['birth_date']['rule']) for p in j if p['person_id'] == '$P1'][0]")" "('1965-12-09', 'decision')" "the decision holds"
assert_eq "$(json r3.json "j['conflicts']['settled']")" "0" "decided: no longer settled by the rules"
"$HOPNHAT" decisions undo "$(json <("$HOPNHAT" decisions list --config hopnhat.json --format json) "j[0]['id']")" --config hopnhat.json >/dev/null

# The sources agree again: what was settled closes.
sed -i 's|C1,Nguyễn Văn Hùng,09/12/1965|C1,Nguyễn Văn Hùng,12/09/1965|' c.csv
"$HOPNHAT" sync --config hopnhat.json --report r4.json >/dev/null 2>&1 || fail "fourth sync"
assert_eq "$(json r4.json "j['conflicts']['settled']")" "0" "nothing left to settle"
assert_eq "$(json <("$HOPNHAT" conflicts list --config hopnhat.json --status settled --format json) "len(j)")" "0" "settled list empty"
store_check hopnhat.json

# A store of schema 9 holding cases (the queue's columns did not exist): the migration adds them
# empty, and the next run fills those of the cases it keeps, also those of persons it does not
# rebuild (an idle run rebuilds none).
sed -i 's|A2,Trần Thị Mai,01/02/1980|A2,Trần Thị Mai,04/02/1980|' a.csv
"$HOPNHAT" sync --config hopnhat.json >/dev/null 2>&1 || fail "sync before the downgrade"
python3 - <<'PY'
import sqlite3
db = sqlite3.connect("hopnhat.db")
for index in ("conflicts_queue", "conflicts_queue_by_kind", "conflicts_queue_by_unit"):
    db.execute(f"DROP INDEX {index}")
for column in ("severity", "person_name", "unit", "sources"):
    db.execute(f"ALTER TABLE conflicts DROP COLUMN {column}")
db.execute("DROP TABLE unit_aliases")  # and the migrations after it: the store of a hopnhat of schema 9
db.execute("DROP TABLE org_registry")
db.execute("ALTER TABLE source_records DROP COLUMN history")
db.execute("DELETE FROM schema_migrations WHERE version >= 10")
db.commit()
PY
assert_contains "$("$HOPNHAT" store status --config hopnhat.json)" "010_conflict_queue.sql" "the pending migration"
"$HOPNHAT" sync --config hopnhat.json --report r5.json >/dev/null 2>&1 || fail "sync after the migration"
assert_eq "$(json r5.json "(j['conflicts']['opened'], j['conflicts']['closed'])")" "(0, 0)" "an idle run"
python3 - <<'PY'
import sqlite3
rows = sqlite3.connect("hopnhat.db").execute(
    "SELECT severity, person_name, sources FROM conflicts WHERE status IN ('open', 'settled')").fetchall()
assert rows and all(s > 0 and name and src.startswith(",") for s, name, src in rows), rows
PY
store_check hopnhat.json
echo "settled_test: ok"
