#!/usr/bin/env bash
# An exporter that can patch its last output (the CSV roster) is given, after the first run,
# only the persons whose view changed and those retired; the file it leaves must be byte for
# byte the one a whole export writes. Each step syncs a copy of the folder with --full-export
# beside the usual sync and compares the rosters: values changed, records deleted and added, a
# person retired, an administrator's decision between runs, a dry run, a failed run, the
# plugin in a child process. A roster edited by hand, or other options, make a whole export.
source "$(dirname "$0")/lib.sh"

"$HOPNHAT" gen --persons 1500 --seed 21 --out d >/dev/null
mode() { json "$1" "(j['exports'][0]['mode'], j['exports'][0]['written'], j['exports'][0]['removed'])"; }

# sync_both NAME [ARGS...]: syncs d (patching) and a copy of it (--full-export); the rosters must agree.
sync_both() {
  local name=$1
  shift
  rm -rf full && cp -r d full
  "$HOPNHAT" sync --config d/hopnhat.json --report "$name.json" "$@" >/dev/null 2>&1 || fail "sync $name: $(json "$name.json" "j.get('error')")"
  "$HOPNHAT" sync --config full/hopnhat.json --full-export --report "$name.full.json" "$@" >/dev/null 2>&1 || fail "full sync $name"
  [[ $(json "$name.full.json" "j['exports'][0]['mode']") == full ]] || fail "--full-export patched in $name"
  cmp -s d/out/roster.csv full/out/roster.csv || fail "$name: the patched roster differs from a whole export: $(diff d/out/roster.csv full/out/roster.csv | head -5)"
  store_check d/hopnhat.json
}

"$HOPNHAT" sync --config d/hopnhat.json --report r1.json >/dev/null 2>&1 || fail "first sync"
assert_eq "$(json r1.json "(j['exports'][0]['mode'], j['exports'][0]['written'] > 1000)")" "('full', True)" "the first run"
cp d/out/roster.csv roster.first
INODE=$(stat -c %i d/out/roster.csv)

sync_both unchanged
assert_eq "$(mode unchanged.json)" "('changes', 0, 0)" "a run with nothing changed"
cmp -s d/out/roster.csv roster.first || fail "a run with nothing changed changed the roster"
assert_eq "$(stat -c %i d/out/roster.csv)" "$INODE" "a run with nothing changed leaves the file itself (not a copy)"

# Values changed, two records gone, one new (a copy of a party member under a new card number).
python3 - <<'PY'
import csv, io
path = "d/party_members.csv"
rows = list(csv.reader(io.StringIO(open(path, encoding="utf-8-sig").read())))
head, body = rows[0], rows[1:]
q = head.index("Quê quán")
for r in body[::50]: r[q] = "Hà Nội" if r[q] != "Hà Nội" else "Huế"
new = list(body[7]); new[head.index("Số thẻ đảng viên")] = "99999999"; new[head.index("Họ và tên")] += " Anh"
body = body[:3] + body[5:] + [new]
out = io.StringIO(); csv.writer(out, lineterminator="\r\n").writerows([head] + body)
open(path, "w", encoding="utf-8").write(out.getvalue())
PY
sync_both changed
[[ $(json changed.json "j['exports'][0]['mode'] == 'changes' and 0 < j['exports'][0]['written'] < 200") == True ]] ||
  fail "a run with a few changes: $(mode changed.json)"

# A person retired: every record of a person found in one source only is removed.
"$HOPNHAT" persons --config d/hopnhat.json --format json > persons.json
read -r SRC RID PID < <(python3 - <<'PY'
import json
p = next(p for p in json.load(open("persons.json")) if len(p["records"]) == 1 and p["records"][0]["source"] == "civil")
print(p["records"][0]["source"], p["records"][0]["record_id"], p["person_id"])
PY
)
python3 - "$RID" <<'PY'
import csv, io, sys
path = "d/civil_servants.csv"
rows = list(csv.reader(io.StringIO(open(path, encoding="utf-8-sig").read()), delimiter=";"))
c = rows[0].index("Mã cán bộ")
kept = [r for r in rows if r[c] != sys.argv[1]]
assert len(kept) == len(rows) - 1
out = io.StringIO(); csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(kept)
open(path, "w", encoding="utf-8").write(out.getvalue())
PY
sync_both retired
assert_eq "$(json retired.json "(j['persons']['retired'], j['exports'][0]['removed'])")" "(1, 1)" "the retired person's row"
grep -q "^$PID," d/out/roster.csv && fail "$PID is still in the roster"

# An administrator's decision between runs: the value shows at once, and the next run's roster has it.
"$HOPNHAT" conflicts list --config d/hopnhat.json --format json > open.json
read -r CID CPID < <(json open.json "next(str(c['id']) + ' ' + c['person_id'] for c in j if c['kind'] == 'value_mismatch')")
"$HOPNHAT" conflicts resolve "$CID" --action choose --candidate 2 --config d/hopnhat.json >/dev/null || fail "resolve"
sync_both decided
[[ $(json decided.json "j['exports'][0]['mode'] == 'changes' and j['exports'][0]['written'] >= 1") == True ]] ||
  fail "the decided person was not written: $(mode decided.json)"

# A dry run patches nothing and keeps the state: the next run patches since the last real one.
cp d/out/roster.csv roster.before
"$HOPNHAT" sync --config d/hopnhat.json --dry-run --report dry.json >/dev/null 2>&1 || fail "dry run"
assert_eq "$(json dry.json "j['exports'][0]['mode']")" "changes" "the dry run's export"
cmp -s d/out/roster.csv roster.before || fail "a dry run changed the roster"
LAST_REAL=$(json decided.json "j['run_id']")

# A failed run (a source that cannot be read) leaves the roster and its state as they were.
mv d/office_staff_tcvn3.csv office.keep
"$HOPNHAT" sync --config d/hopnhat.json >/dev/null 2>&1 && fail "a run without its source succeeded"
cmp -s d/out/roster.csv roster.before || fail "a failed run changed the roster"
mv office.keep d/office_staff_tcvn3.csv
sed -i 's/^\(.*\),Hà Nội,/\1,Hải Phòng,/' d/party_members.csv
sync_both after_failure
assert_eq "$(json after_failure.json "(j['exports'][0]['mode'], j['exports'][0]['since_run'])")" "('changes', $LAST_REAL)" "the run after a failed one"

# The exporter in a child process patches the same way.
python3 - <<'PY'
import json
c = json.load(open("d/hopnhat.json")); c["exports"][0]["isolation"] = "process"
json.dump(c, open("d/hopnhat.json", "w"), ensure_ascii=False, indent=1)
PY
sed -i 's/^\(.*\),Huế,/\1,Thừa Thiên Huế,/' d/party_members.csv
sync_both isolated
[[ $(json isolated.json "j['exports'][0]['mode'] == 'changes' and j['exports'][0]['written'] > 0") == True ]] ||
  fail "the isolated exporter: $(mode isolated.json)"

# A field no person had before (an Email column in the civil-service file) makes a whole export:
# the roster gains a column.
python3 - <<'PY'
import csv, io
path = "d/civil_servants.csv"
rows = list(csv.reader(io.StringIO(open(path, encoding="utf-8-sig").read()), delimiter=";"))
rows[0].append("Email")
for r in rows[1:]: r.append("")
rows[5][-1] = "lan@noivu.gov.vn"
out = io.StringIO(); csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
open(path, "w", encoding="utf-8").write(out.getvalue())
PY
sync_both new_field
assert_eq "$(json new_field.json "j['exports'][0]['mode']")" "full" "with a new field"
assert_contains "$(head -1 d/out/roster.csv)" "Email" "the new column"

# A roster edited by hand is not patched: the whole file is written again.
echo "P9999999,someone" >> d/out/roster.csv
sync_both edited
assert_eq "$(json edited.json "j['exports'][0]['mode']")" "full" "after the roster was edited"

# Other options (other columns) make a whole export too.
python3 - <<'PY'
import json
c = json.load(open("d/hopnhat.json")); c["exports"][0]["options"]["columns"] = ["full_name", "birth_date", "hometown"]
json.dump(c, open("d/hopnhat.json", "w"), ensure_ascii=False, indent=1)
PY
sync_both columns
assert_eq "$(json columns.json "j['exports'][0]['mode']")" "full" "with other columns"
assert_eq "$(head -c 40 d/out/roster.csv | tail -c +4 | cut -d, -f1-2)" "person_id,Họ và tên" "the new heading"
