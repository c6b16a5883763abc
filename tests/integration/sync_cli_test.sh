#!/usr/bin/env bash
# sync: counts per source, idempotence, changes and deletions, links/persons output contracts.
source "$(dirname "$0")/lib.sh"

"$HOPNHAT" gen --persons 80 --seed 7 --out data >/dev/null
(umask 022 && "$HOPNHAT" sync --config data/hopnhat.json --report r1.json >/dev/null 2>&1)
assert_eq "$(json r1.json "j['status']")" "succeeded" "first run status"
# Personal data is not world-readable, whatever the caller's umask: the store (and its WAL) 0600,
# exports and the report 0640 at most.
for f in data/hopnhat.db data/hopnhat.db-wal data/hopnhat.db-shm; do
  [[ ! -e "$f" ]] || assert_eq "$(stat -c %a "$f")" "600" "mode of $f"
done
assert_eq "$(stat -c %a data/out/roster.csv)" "640" "mode of the exported roster"
assert_eq "$(stat -c %a r1.json)" "640" "mode of the run report"
assert_eq "$(json r1.json "[s['new'] for s in j['sources']] == [s['read'] for s in j['sources']]")" "True" "all new"
party_lines=$(($(wc -l < data/party_members.csv) - 1))
assert_eq "$(json r1.json "j['sources'][0]['read']")" "$party_lines" "party records read"

# The same inputs again: nothing new, changed or deleted; no person created.
"$HOPNHAT" sync --config data/hopnhat.json --report r2.json >/dev/null 2>&1
assert_eq "$(json r2.json "sum(s['new']+s['changed']+s['deleted'] for s in j['sources'])")" "0" "idempotent sources"
assert_eq "$(json r2.json "j['persons']['created']+j['persons']['updated']+j['persons']['retired']")" "0" "idempotent persons"
assert_eq "$(json r2.json "j['run_id']")" "2" "run id"
# Files identical to the last run's are not read again; the report says so.
assert_eq "$(json r2.json "[s['read'] for s in j['sources']]")" "[0, 0, 0]" "unchanged files read again"
assert_contains "$(json r2.json "j['sources'][2]['notes']")" "unchanged since the last run" "note of an unchanged file"
# Other options make the same bytes other records: the file is read again.
python3 - data/hopnhat.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["sources"][1]["options"]["delimiter"] = ";"  # the same records, but other options
json.dump(c, open(sys.argv[1] + ".2", "w"), ensure_ascii=False)
PY
cp data/hopnhat.json data/hopnhat.json.1 && mv data/hopnhat.json.2 data/hopnhat.json
"$HOPNHAT" sync --config data/hopnhat.json --report r2b.json >/dev/null 2>&1
assert_eq "$(json r2b.json "[s['read'] > 0 for s in j['sources']]")" "[False, True, False]" "read again under new options"
mv data/hopnhat.json.1 data/hopnhat.json
"$HOPNHAT" sync --config data/hopnhat.json >/dev/null 2>&1 || fail "sync under the first options again"

# Change one party record and drop another: one changed, one deleted.
python3 - data/party_members.csv <<'PY'
import sys
p = sys.argv[1]
lines = open(p, encoding='utf-8', newline='').read().split('\r\n')
cells = lines[1].split(',')
cells[4] = 'Hà Nội' if cells[4] != 'Hà Nội' else 'Huế'
lines[1] = ','.join(cells)
del lines[2]
open(p, 'w', encoding='utf-8', newline='').write('\r\n'.join(lines))
PY
"$HOPNHAT" sync --config data/hopnhat.json --report r3.json >/dev/null 2>&1
assert_eq "$(json r3.json "(j['sources'][0]['changed'], j['sources'][0]['deleted'], j['sources'][0]['new'])")" "(1, 1, 0)" "party changes"
assert_eq "$(json r3.json "j['sources'][1]['read']")" "0" "civil untouched: not read again"

# links: the CSV contract and the JSON form.
"$HOPNHAT" links --config data/hopnhat.json --format csv > links.csv
assert_eq "$(head -1 links.csv)" "person_id,source,record_id,status,score" "links header"
assert_contains "$(cat links.csv)" ",deleted," "links csv"
"$HOPNHAT" links --config data/hopnhat.json --format json > links.json
assert_eq "$(json links.json "sorted(j[0].keys())[:5] == ['person_id','record_id','rule','run','score']")" "True" "links json keys"

# Records sharing a valid citizen ID share a person.
python3 - links.json data/truth.csv <<'PY'
import json, sys, csv
links = json.load(open(sys.argv[1]))
person = {(l['source'], l['record_id']): l['person_id'] for l in links if l['status'] == 'linked'}
truth = {(r['source'], r['record_id']): r['person'] for r in csv.DictReader(open(sys.argv[2], encoding='utf-8'))}
# precision of the citizen-ID rule: linked records must truly be one person
by_person = {}
for k, p in person.items():
    by_person.setdefault(p, set()).add(truth[k])
bad = [p for p, t in by_person.items() if len(t) > 1]
assert not bad, f"persons mixing true persons: {bad[:3]}"
assert any(sum(1 for v in person.values() if v == p) > 1 for p in by_person), "no person has two records"
PY

# persons: golden values carry provenance.
"$HOPNHAT" persons --config data/hopnhat.json --format json > persons.json
assert_eq "$(json persons.json "sorted(j[0]['fields']['full_name'].keys())")" "['record_id', 'rule', 'run', 'source', 'value']" "provenance"
"$HOPNHAT" persons --config data/hopnhat.json --format csv > persons.csv
assert_eq "$(head -1 persons.csv | cut -d, -f1-3)" "person_id,full_name,family_name" "persons csv header"

# The roster export exists and has one row per person.
rows=$(($(wc -l < data/out/roster.csv) - 1))
assert_eq "$rows" "$(json persons.json "len(j)")" "roster rows"

# A dry run commits nothing.
echo 'X9,Người Mới,01/01/1990,Nam,Hà Nội,,,,' >> data/party_members.csv
"$HOPNHAT" sync --config data/hopnhat.json --dry-run --report dry.json >/dev/null 2>&1
assert_eq "$(json dry.json "j['sources'][0]['new']")" "1" "dry run sees the new record"
"$HOPNHAT" runs list --config data/hopnhat.json --format json > runs.json
assert_eq "$(json runs.json "len(j)")" "5" "dry run recorded no run"
echo "sync_cli_test: ok"
