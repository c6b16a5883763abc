#!/usr/bin/env bash
# An incremental run re-matches only the records near those that changed, under the last run's
# model, and rebuilds only the golden records of the persons it touched; the result must be the
# same as matching and rebuilding everything under that model. Sync, change a few records
# (values, a deletion, a new record) in two copies of the store and files, sync one as usual and
# the other with --rematch --keep-model, and compare who is one person, every golden value and
# every open case. Changing the survivorship rules rebuilds every golden record (and re-matches
# every record): then the store must agree with one built from empty.
source "$(dirname "$0")/lib.sh"

"$HOPNHAT" gen --persons 3000 --seed 12 --out inc >/dev/null
"$HOPNHAT" sync --config inc/hopnhat.json --report r1.json >/dev/null 2>&1 || fail "first sync"
[[ $(json r1.json "j['match']['incremental']") == False ]] || fail "a first run matched incrementally"
# Matching every record again under the same model must change nothing: no person, golden value
# or case differs from what the first run made.
cp -r inc first
"$HOPNHAT" sync --config first/hopnhat.json --rematch --keep-model --report rf.json >/dev/null 2>&1 || fail "rematch of the first run"
[[ $(json rf.json "j['match']['records']") == $(json r1.json "j['match']['records']") ]] || fail "the rematch saw other records"
[[ $(json rf.json "[j['persons'][k] for k in ('created', 'updated', 'merged', 'split', 'retired')] + [j['conflicts']['opened'], j['conflicts']['closed']]") == "[0, 0, 0, 0, 0, 0, 0]" ]] ||
  fail "matching the same records again under the same model changed: $(json rf.json "j['persons'], j['conflicts']")"
cp -r inc whole
cp inc/civil_servants.csv civil.orig
for d in inc whole; do
python3 - "$d" <<'PY'
import csv, io, sys
d = sys.argv[1]
def edit(path, delim, fn):
    rows = list(csv.reader(io.StringIO(open(path, encoding="utf-8-sig").read()), delimiter=delim))
    rows = fn(rows[0], rows[1:])
    out = io.StringIO(); csv.writer(out, delimiter=delim, lineterminator="\r\n").writerows(rows)
    open(path, "w", encoding="utf-8").write(out.getvalue())
def party(head, body):
    c = head.index("Quê quán")
    for r in body[::100]: r[c] = "Hà Nội" if r[c] != "Hà Nội" else "Huế"
    return [head] + body
def civil(head, body):
    c = head.index("Chức vụ")
    for r in body[5:40]: r[c] = "Trưởng phòng"
    for col in ("Họ tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân"):  # row 50 now is row 60's person
        body[50][head.index(col)] = body[60][head.index(col)]
    new = list(body[0])  # a newcomer: her own name, birth date and citizen ID
    new[head.index("Mã cán bộ")] = "CB999999"; new[head.index("Họ tên")] = "Triệu Thị Mới"
    new[head.index("Ngày sinh")] = "2001-02-03"; new[head.index("Giới tính")] = "0"; new[head.index("Số định danh cá nhân")] = "001301000999"
    return [head] + body[:-10] + [new]
edit(d + "/party_members.csv", ",", party)
edit(d + "/civil_servants.csv", ";", civil)
PY
done
"$HOPNHAT" sync --config inc/hopnhat.json --report r2.json >/dev/null 2>&1 || fail "incremental sync"
store_check inc/hopnhat.json
"$HOPNHAT" sync --config whole/hopnhat.json --rematch --keep-model --report rw.json >/dev/null 2>&1 || fail "sync matching every record"
mkdir fresh && cp inc/*.csv inc/hopnhat.json fresh/

compare() {  # $1 and $2 must agree on persons, golden values and open cases
  for d in "$1" "$2"; do
    "$HOPNHAT" persons --config $d/hopnhat.json --format json > $d.persons
    "$HOPNHAT" conflicts list --config $d/hopnhat.json --format json > $d.conflicts
  done
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
def view(d):
    persons = json.load(open(d + ".persons"))
    pid = {p["person_id"]: tuple(sorted((r["source"], r["record_id"]) for r in p["records"])) for p in persons}
    golden = {pid[p["person_id"]]: {k: (v["value"], v["source"], v["record_id"], v["rule"]) for k, v in p["fields"].items()} for p in persons}
    cases = sorted((c["kind"], c["field"] if c["kind"] != "match_review" else "", pid.get(c["person_id"]),
                    json.dumps([{k: v for k, v in x.items() if k not in ("id", "person_id", "score")} for x in c["candidates"]], sort_keys=True))
                   for c in json.load(open(d + ".conflicts")))
    return golden, cases
gi, ci = view(sys.argv[1])
gf, cf = view(sys.argv[2])
what = sys.argv[3]
assert gi.keys() == gf.keys(), "%s: the persons differ (%d vs %d)" % (what, len(gi), len(gf))
bad = [k for k in gi if gi[k] != gf[k]]
assert not bad, "%s: %d golden records differ, e.g. %s: %s vs %s" % (what, len(bad), bad[0], gi[bad[0]], gf[bad[0]])
assert ci == cf, "%s: open cases differ: %s" % (what, [x for x in ci if x not in cf][:2] + [x for x in cf if x not in ci][:2])
print("%s: %d persons and %d cases agree" % (what, len(gi), len(ci)))
PY
}
compare inc whole "after an incremental run"
UPDATED=$(json r2.json "j['persons']['updated']")
[[ $UPDATED -gt 0 && $UPDATED -lt 300 ]] || fail "an incremental run updated $UPDATED persons"
# It matched only the records near the changed ones, and reported the same counts as matching all.
[[ $(json r2.json "j['match']['incremental']") == True ]] || fail "the run did not match incrementally"
RECORDS=$(json r2.json "j['match']['records']"); ALL=$(json r2.json "j['match']['all_records']")
[[ $RECORDS -gt 0 && $RECORDS -lt $((ALL / 10)) ]] || fail "an incremental run matched $RECORDS of $ALL records"
for k in created updated merged split retired total; do
  assert_eq "$(json r2.json "j['persons']['$k']")" "$(json rw.json "j['persons']['$k']")" "persons $k, incremental and whole"
done
[[ $(json rw.json "j['match']['records']") == "$ALL" ]] || fail "--rematch did not match every record"
# Nothing changed since: the next run matches nothing and writes nothing.
"$HOPNHAT" sync --config inc/hopnhat.json --report r2b.json >/dev/null 2>&1 || fail "unchanged sync"
assert_eq "$(json r2b.json "j['match']['records']"),$(json r2b.json "j['persons']['updated']")" "0,0" "an unchanged incremental run"

# The ten records deleted come back: their ended links are written again, not added twice.
for d in inc whole fresh; do
  python3 - civil.orig "$d/civil_servants.csv" <<'PY'
import csv, io, sys
read = lambda p: list(csv.reader(io.StringIO(open(p, encoding="utf-8-sig").read()), delimiter=";"))
back = read(sys.argv[1])[-10:]
rows = read(sys.argv[2]) + back
out = io.StringIO(); csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
open(sys.argv[2], "w", encoding="utf-8").write(out.getvalue())
PY
done
"$HOPNHAT" sync --config inc/hopnhat.json --report r2c.json >/dev/null 2>&1 || fail "incremental sync with records back"
store_check inc/hopnhat.json
"$HOPNHAT" sync --config whole/hopnhat.json --rematch --keep-model >/dev/null 2>&1 || fail "sync matching every record, records back"
assert_eq "$(json r2c.json "(j['match']['incremental'], j['sources'][1]['new'])")" "(True, 10)" "records back after a deletion"
compare inc whole "after deleted records came back"

# New survivorship rules: every golden record is rebuilt by the next run, no file having changed.
for d in inc fresh; do
  python3 - "$d/hopnhat.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["survivorship"]["source_priority"] = list(reversed(c["survivorship"]["source_priority"]))
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
done
"$HOPNHAT" sync --config inc/hopnhat.json --report r3.json >/dev/null 2>&1 || fail "sync with new rules"
store_check inc/hopnhat.json
"$HOPNHAT" sync --config fresh/hopnhat.json >/dev/null 2>&1 || fail "fresh sync with new rules"
[[ $(json r3.json "j['persons']['updated']") -gt 300 ]] || fail "new rules did not rebuild the golden records"
[[ $(json r3.json "j['match']['incremental']") == False ]] || fail "new rules did not re-match every record"
compare inc fresh "after the rules changed"

# The rules change back, matched every record under the kept model: the model stored with that
# run carries the rules it used, so the run after it rebuilds nothing and matches incrementally.
python3 - inc/hopnhat.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["survivorship"]["source_priority"] = list(reversed(c["survivorship"]["source_priority"]))
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
"$HOPNHAT" sync --config inc/hopnhat.json --rematch --keep-model --report r4.json >/dev/null 2>&1 || fail "sync under the kept model"
store_check inc/hopnhat.json
[[ $(json r4.json "j['persons']['updated']") -gt 300 ]] || fail "the rules changed back but the golden records were not rebuilt"
"$HOPNHAT" sync --config inc/hopnhat.json --report r5.json >/dev/null 2>&1 || fail "sync after the kept model"
assert_eq "$(json r5.json "(j['persons']['updated'], j['match']['incremental'])")" "(0, True)" "the run after a kept model"
# A store written before the compact golden layout: its records read the same, and when every
# one is rebuilt (the last model does not say which survivorship rules it ran under) with
# nothing to change, each is written in the new layout without counting as an update.
python3 - inc/hopnhat.db <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for pid, text in db.execute("SELECT id, golden FROM persons").fetchall():
    g = json.loads(text)
    old = {f: {"value": v, "source": g["p"][i][0], "record_id": g["p"][i][1], "run": g["p"][i][2], "rule": g["p"][i][3]}
           for f, (v, i) in g["f"].items()}
    db.execute("UPDATE persons SET golden = ? WHERE id = ?", (json.dumps(old, ensure_ascii=False, sort_keys=True, separators=(",", ":")), pid))
run, model = db.execute("SELECT run_id, model FROM match_models ORDER BY run_id DESC LIMIT 1").fetchone()
model = json.loads(model); del model["survivorship"]
db.execute("UPDATE match_models SET model = ? WHERE run_id = ?", (json.dumps(model), run))
db.commit()
PY
"$HOPNHAT" persons --config inc/hopnhat.json --format json > layout.before
"$HOPNHAT" sync --config inc/hopnhat.json --report r6.json >/dev/null 2>&1 || fail "sync over golden records of the older layout"
store_check inc/hopnhat.json
assert_eq "$(json r6.json "j['persons']['updated']")" "0" "golden records rebuilt as they were"
"$HOPNHAT" persons --config inc/hopnhat.json --format json > layout.after
python3 - inc/hopnhat.db <<'PY' || fail "golden records read differently after the layout changed, or kept the old one"
import json, sqlite3, sys
before, after = json.load(open("layout.before")), json.load(open("layout.after"))
assert [p["fields"] for p in before] == [p["fields"] for p in after]
db = sqlite3.connect(sys.argv[1])
assert db.execute("SELECT count(*) FROM persons WHERE retired_run IS NULL AND golden NOT LIKE '{\"p\":[%'").fetchone()[0] == 0
PY
# store check finds what a broken writer would leave: a link to a person that does not exist.
python3 - inc/hopnhat.db <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO links(source, record_id, person_id, status, score, rule, run_id) "
           "SELECT source, record_id || '-x', 'P9999999', status, score, rule, run_id FROM links LIMIT 1")
db.commit()
PY
run_rc "$HOPNHAT" store check --config inc/hopnhat.json
assert_eq "$RC" "1" "store check of a dangling link"
assert_contains "$OUT" "1 rows of links reference a row of persons that does not exist" "store check output"
# Namesakes born in one year meet under the name-and-year rule only where one date lacks the day
# or month: an incremental run finds its pairs as the full run does, not every record sharing the
# key. Two namesakes with full dates that differ in both day and month, both changed in one run,
# must give no pair; one dated by the year alone meets them both.
mkdir years && python3 - years <<'PY'
import csv, sys
d = sys.argv[1]
rows = [["id", "Họ và tên", "Ngày sinh", "Giới tính", "Đơn vị"]]
given = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khánh", "Lâm", "Minh", "Nam", "Phúc", "Quang", "Sơn", "Tâm", "Thành"]
for i, g in enumerate(given):  # other persons, so that two changed records are few
    for j, family in enumerate(["Lê", "Trần"]):
        rows.append([f"O{i}{j}", f"{family} Văn {g}", f"{(i % 27) + 1:02d}/{j + 3:02d}/19{60 + i}", "Nam", "Phòng Nội vụ"])
rows.append(["N1", "Đặng Văn Toàn", "09/12/1965", "Nam", "Phòng Nội vụ"])
rows.append(["N2", "Đặng Văn Toàn", "21/03/1965", "Nam", "Văn phòng"])
csv.writer(open(d + "/a.csv", "w", encoding="utf-8", newline="")).writerows(rows)
open(d + "/hopnhat.json", "w").write('{"store": {"sqlite": "hopnhat.db"}, "sources": [{"name": "a", "plugin": "csv", "options": {"path": "a.csv", "id": "id"}}]}')
PY
"$HOPNHAT" sync --config years/hopnhat.json --report y1.json >/dev/null 2>&1 || fail "sync of the namesakes"
assert_eq "$(json y1.json "j['match']['candidate_pairs']")" "0" "namesakes of one year with full dates: pairs of the full run"
sed -i -E 's/^(N[12],.*),[^,]*$/\1,Phòng Tư pháp/' years/a.csv  # both move to another unit
"$HOPNHAT" sync --config years/hopnhat.json --report y2.json >/dev/null 2>&1 || fail "incremental sync of the namesakes"
assert_eq "$(json y2.json "(j['match']['incremental'], j['match']['records'], j['match']['candidate_pairs'])")" "(True, 2, 0)" \
  "namesakes of one year with full dates: pairs of the incremental run"
echo "N3,Đặng Văn Toàn,1965,Nam,Văn phòng" >> years/a.csv
"$HOPNHAT" sync --config years/hopnhat.json --rematch --report y3.json >/dev/null 2>&1 || fail "sync of a namesake dated by the year"
assert_eq "$(json y3.json "(j['match']['incremental'], j['match']['candidate_pairs'])")" "(False, 2)" "a date of the year alone meets both"

echo "incremental test passed"
