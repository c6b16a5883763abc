#!/usr/bin/env bash
# The reports plugin end to end: every shipped form (roster, headcount, party_members, cv,
# quality) and an agency's own CSV form are written by a sync, read back by LibreOffice, and
# compared with the same figures computed here, independently, from `persons`, `links`,
# `conflicts` and the run report. A wrong form file fails the run with its JSON path.
source "$(dirname "$0")/lib.sh"
command -v soffice >/dev/null || fail "LibreOffice (soffice) is needed: apt-get install libreoffice-calc-nogui"
to_csv() {  # XLSX → one UTF-8 CSV per sheet in lo/, named BOOK-SHEET.csv
  soffice --headless -env:UserInstallation="file://$WORK/lo-profile" \
    --convert-to "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1" --outdir lo "$1" >/dev/null 2>&1
}

"$HOPNHAT" gen --persons 150 --seed 71 --out . >/dev/null
printf 'Đơn vị;Biên chế được giao\nVăn phòng;20\nPhòng Nội vụ;15\nPhòng Dân tộc;3\n' > quota.csv
mkdir forms
cat > forms/retirement.json <<'JSON'
{"title": "Danh sách sắp nghỉ hưu", "output": "csv",
 "filter": [{"computed": "age", "is": "present"}, {"field": "birth_date", "before": "1971-12-31"}],
 "columns": [{"heading": "STT", "value": {"computed": "stt"}}, {"heading": "Họ và tên", "value": {"field": "full_name"}},
             {"heading": "Ngày sinh", "value": {"field": "birth_date"}}, {"heading": "Tuổi", "value": {"computed": "age"}},
             {"heading": "Đơn vị", "value": {"field": "org_unit"}}],
 "sort": [{"field": "birth_date"}, "name"]}
JSON
python3 - <<'PY'
import json
c = json.load(open("hopnhat.json"))
common = {"as_of": "2026-11-01", "agency": "HUYỆN ỦY THANH TRÌ"}
c["exports"] = [{"name": f, "plugin": "reports", "options": dict(common, form=f, path=f"out/{f}.xlsx")}
                for f in ["roster", "headcount", "party_members", "quality"]]
c["exports"][1]["options"]["quota"] = "quota.csv"
c["exports"].append({"name": "retirement", "plugin": "reports", "options": dict(common, form="retirement", path="out/retirement.csv")})
json.dump(c, open("hopnhat.json", "w"), ensure_ascii=False)
PY
"$HOPNHAT" sync --config hopnhat.json --report run1.json >/dev/null 2>&1 || fail "first sync: $(cat run1.json)"

# A change in the civil-service system: the CV of that person shows it in its history.
python3 - <<'PY'
import csv
rows = list(csv.reader(open("civil_servants.csv", encoding="utf-8-sig", newline=""), delimiter=";"))
head = rows[0]
pos = head.index("Chức vụ")
rows[1][pos] = "Phó Chánh Văn phòng" if rows[1][pos] != "Phó Chánh Văn phòng" else "Chuyên viên"
open("changed.txt", "w").write(rows[1][head.index("Mã cán bộ")] + "\n" + rows[1][pos] + "\n")
csv.writer(open("civil_servants.csv", "w", encoding="utf-8", newline=""), delimiter=";").writerows(rows)
PY
"$HOPNHAT" sync --config hopnhat.json --report run2.json >/dev/null 2>&1 || fail "second sync: $(cat run2.json)"
"$HOPNHAT" persons --config hopnhat.json --format json > persons.json
"$HOPNHAT" links --config hopnhat.json --format csv > links.csv
"$HOPNHAT" conflicts list --config hopnhat.json --format json > conflicts.json
CHANGED=$(python3 -c "
import csv; rid = open('changed.txt').read().split()[0]
print(next(r['person_id'] for r in csv.DictReader(open('links.csv')) if r['source'] == 'civil' and r['record_id'] == rid))")
OTHERS=$(python3 -c "import json,sys; print(' '.join([p['person_id'] for p in json.load(open('persons.json')) if p['person_id'] != sys.argv[1]][:2]))" "$CHANGED")
python3 - "$CHANGED" $OTHERS <<'PY'
import json, sys
c = json.load(open("hopnhat.json"))
c["exports"] = [{"name": "cv", "plugin": "reports",
                 "options": {"form": "cv", "path": "out/cv.xlsx", "as_of": "2026-11-01", "persons": sys.argv[1:]}}]
json.dump(c, open("cv.json", "w"), ensure_ascii=False)
PY
"$HOPNHAT" sync --config cv.json --report run3.json >/dev/null 2>&1 || fail "cv export: $(cat run3.json)"

mkdir lo
for f in roster headcount party_members quality cv; do to_csv "out/$f.xlsx"; done
[[ $(ls lo | wc -l) -ge 7 ]] || fail "LibreOffice did not read every workbook: $(ls lo)"
if unzip -p out/roster.xlsx xl/worksheets/sheet1.xml | grep -q "<f>"; then fail "the roster holds a formula cell"; fi

python3 - "$CHANGED" <<'PY'
import csv, json, glob, sys, unicodedata
from collections import defaultdict, Counter

AS_OF = (2026, 11, 1)
persons = json.load(open("persons.json"))
P = {p["person_id"]: {k: v["value"] for k, v in p["fields"].items()} for p in persons}
links = [r for r in csv.DictReader(open("links.csv")) if r["status"] != "deleted"]
conflicts = [c for c in json.load(open("conflicts.json")) if c["status"] == "open"]
report = json.load(open("run2.json"))

def fold(s):
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in s if not unicodedata.combining(ch)).lower().split())
def shown(iso):
    parts = iso.split("-")
    return "/".join(reversed(parts)) if iso else ""
def read(path):
    return list(csv.reader(open(path, encoding="utf-8")))
def body(rows, heading):  # rows after the heading row that starts with `heading`, up to the first empty row
    start = next(i for i, r in enumerate(rows) if r and r[0] == heading)
    out = []
    for r in rows[start + 1:]:
        if not any(r): break
        out.append(r)
    return out
def num(s): return float(s) if s not in ("", None) else 0.0
def years(iso):
    parts = [int(x) for x in iso.split("-")]
    y, m, d = parts + [1] * (3 - len(parts)) if len(parts) < 3 else parts
    if len(parts) == 1: m, d = 1, 1
    return AS_OF[0] - y - ((AS_OF[1], AS_OF[2]) < (m, d))
def member(p):
    j = p.get("party_join_date")
    return (j[:10] <= "2026-11-01") if j else bool(p.get("party_card_no"))

# Vietnamese alphabet order at the primary level (tones aside), for checking the sort.
ALPHA = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
TONE_ORDER = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # ngang, huyền, hỏi, ngã, sắc, nặng
def primary(word):  # letters in alphabet order, then tones: the name parts compare whole, one after the other
    out, tones = [], []
    for ch in unicodedata.normalize("NFC", word.lower()):
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
        out.append(ALPHA.index(base) if base in ALPHA else 100 + ord(base[0]))
        tones.append(next((TONE_ORDER.index(c) for c in nfd if c in TONES), 0))
    return (out, tones)
def name_key(full):
    w = full.split()
    return (primary(w[-1]), primary(" ".join(w[1:-1])), primary(w[0]) if len(w) > 1 else ([], []))

# 1. Roster: every person once, with the golden values, in Vietnamese name order.
rows = body(read(glob.glob("lo/roster-*.csv")[0]), "STT")
assert len(rows) == len(P), (len(rows), len(P))
expect = sorted(((p.get("full_name", ""), shown(p.get("birth_date", "")), p.get("gender", ""), p.get("position", ""),
                  p.get("org_unit", ""), p.get("grade_code", ""), p.get("salary_step", ""), p.get("salary_coefficient", ""),
                  "x" if member(p) else "") for p in P.values()))
def norm_number(s):
    try: return ("%g" % float(s))
    except ValueError: return s
got = sorted(tuple(r[1:10]) for r in rows)
E, G = [tuple(map(norm_number, e)) for e in expect], [tuple(map(norm_number, g)) for g in got]
assert E == G, ("roster values differ", [x for x in E if x not in G][:3], [x for x in G if x not in E][:3])
assert [r[0] for r in rows] == [str(i + 1) for i in range(len(rows))], "STT is not 1..n"
keys = [name_key(r[1]) for r in rows]
bad = [(rows[i][1], rows[i + 1][1]) for i in range(len(keys) - 1) if keys[i] > keys[i + 1]]
assert not bad, ("roster is not in given/middle/family name order", bad[:3])

# 2. Headcount: distinct persons per unit, the quota, the difference, heads and deputies.
quota = {"Văn phòng": 20, "Phòng Nội vụ": 15, "Phòng Dân tộc": 3}
units = defaultdict(lambda: [0, 0, 0])
for p in P.values():
    u = units[p.get("org_unit", "") or "(không ghi)"]
    u[0] += 1
    pos = fold(p.get("position", ""))
    if any(pos.startswith(x) for x in ("truong", "chanh", "giam doc", "chu tich", "bi thu")): u[1] += 1
    if pos.startswith("pho"): u[2] += 1
for q in quota: units[q]
rows = body(read(glob.glob("lo/headcount-*.csv")[0]), "(1)")
total = rows[-1]
rows = rows[:-1]
got = {r[1]: [num(x) for x in r[2:7]] for r in rows}
want = {u: [quota.get(u, 0), c[0], c[0] - quota.get(u, 0), c[1], c[2]] for u, c in units.items()}
assert got == want, (got, want)
assert total[0] == "Tổng cộng" and [num(x) for x in total[2:7]] == [sum(v[i] for v in want.values()) for i in range(5)], total
assert got["Phòng Dân tộc"][1] == 0, "a unit with a quota and no staff still has its row"

# 3. Party members: per party cell, with dates and years in the Party; subtotals and total.
members = {pid: p for pid, p in P.items() if member(p)}
rows = body(read(glob.glob("lo/party_members-*.csv")[0]), "STT")
cells, current, counted = defaultdict(list), None, Counter()
for r in rows:
    if r[0].startswith(("I", "V", "X")) and ". " in r[0]:
        current = r[0].split(". ", 1)[1]
    elif r[0] == "Cộng":
        counted[current] = int(num(r[4]))
    elif r[0] == "Tổng số đảng viên":
        total = int(num(r[4]))
    else:
        cells[current].append((r[1], r[4], r[5], r[6], r[7]))
want = defaultdict(list)
for p in members.values():
    want[p.get("party_unit") or "(không ghi)"].append((p["full_name"], p.get("party_card_no", ""), shown(p.get("party_join_date", "")),
                                                      shown(p.get("party_official_date", "")),
                                                      str(years(p["party_join_date"])) if p.get("party_join_date") else ""))
assert {k: sorted(v) for k, v in cells.items()} == {k: sorted(v) for k, v in want.items()}, "party members differ"
assert counted == Counter({k: len(v) for k, v in want.items()}) and total == len(members), (counted, total)

# 4. Quality: per source, records read, present, matched, waiting for review, conflicts by kind.
records_of = defaultdict(list)
for l in links: records_of[l["person_id"]].append(l)
rows = body(read(glob.glob("lo/quality-*.csv")[0]), "STT")
got = {r[1]: [int(num(x)) for x in r[2:8]] for r in rows}
want = {}
for s in report["sources"]:
    mine = [l for l in links if l["source"] == s["name"]]
    persons_here = {l["person_id"] for l in mine}
    kinds = Counter(c["kind"] for c in conflicts if c["person_id"] in persons_here)
    want[s["name"]] = [s["read"], len(mine),
                       sum(1 for l in mine if l["status"] == "linked" and len(records_of[l["person_id"]]) > 1),
                       sum(1 for l in mine if l["status"] == "review"), kinds["value_mismatch"], kinds["match_review"]]
assert got == want, (got, want)

# 5. CV: one sheet per chosen person, named after them, with the golden values and the history.
changed = sys.argv[1]
rid, new_pos = open("changed.txt").read().split("\n")[:2]
sheets = sorted(glob.glob("lo/cv-*.csv"))
assert len(sheets) == 3, sheets
cv = read("lo/cv-%s.csv" % P[changed]["full_name"])
line = {r[0]: r[1] for r in cv if r and r[0]}
assert line["1) Họ và tên khai sinh:"] == P[changed]["full_name"]
assert line["9) Chức vụ hiện tại:"] == new_pos == P[changed]["position"]
assert line["18) Mã hồ sơ hợp nhất:"] == changed
hist = body(cv, "Thời gian")
assert any(r[1] == "Chức vụ" and r[3] == new_pos and r[2] != new_pos for r in hist), hist
srcs = body(cv, "Nguồn")
assert ("civil", rid) in [(r[0], r[1]) for r in srcs], srcs

# 6. The agency's own CSV form: those born by 1971, oldest first, their age as of the report date.
rows = list(csv.reader(open("out/retirement.csv", encoding="utf-8-sig")))
assert rows[0] == ["STT", "Họ và tên", "Ngày sinh", "Tuổi", "Đơn vị"], rows[0]
want = [p for p in P.values() if p.get("birth_date") and p["birth_date"][:10] <= "1971-12-31"]
assert len(rows) - 1 == len(want), (len(rows) - 1, len(want))
births = [r[2] for r in rows[1:]]
iso = ["-".join(reversed(b.split("/"))) for b in births]
assert iso == sorted(iso), "not oldest first"
for r in rows[1:]:
    p = next(p for p in want if p["full_name"] == r[1] and shown(p["birth_date"]) == r[2])
    assert int(r[3]) == years(p["birth_date"]), r
print("reports ok:", len(P), "persons,", len(members), "party members")
PY

# 7. A wrong form fails before anything runs, naming the JSON path.
echo '{"title": "x", "columns": [{"heading": "A", "value": {"field": "ho_ten"}}]}' > forms/bad.json
python3 - <<'PY'
import json
c = json.load(open("hopnhat.json"))
c["exports"] = [{"name": "bad", "plugin": "reports", "options": {"form": "bad", "path": "out/bad.xlsx"}}]
json.dump(c, open("bad.json", "w"), ensure_ascii=False)
PY
run_rc "$HOPNHAT" sync --config bad.json
assert_eq "$RC" "2" "exit code of a sync with a wrong form"
assert_contains "$ERR" "forms/bad.json: /columns/0/value/field: \"ho_ten\" is not a canonical field" "the error"
[[ ! -e out/bad.xlsx ]] || fail "a wrong form wrote a file"

# 8. The CV's postings: the timeline merged from the civil-service system's dated postings
# (`gen --merger`), read back by LibreOffice, equals the generator's true postings.
mkdir merger && cd merger
"$HOPNHAT" gen --persons 120 --seed 8 --merger --out . >/dev/null
"$HOPNHAT" sync --config hopnhat.json >/dev/null 2>&1 || fail "sync of the merger scenario"
"$HOPNHAT" links --config hopnhat.json --format csv > links.csv
python3 - <<'PY'
import csv, collections, json
truth = collections.defaultdict(list)
for r in csv.DictReader(open("truth_postings.csv")): truth[r["person"]].append(r)
# Two persons with a transfer or the move into the merged unit: their civil record's person.
chosen = [p for p, rows in truth.items() if len(rows) >= 2][:2]
person_of = {r["record_id"]: r["person_id"] for r in csv.DictReader(open("links.csv")) if r["source"] == "civil"}
ids = [person_of["CB%06d" % (100000 + int(p[1:]) - 1)] for p in chosen]
json.dump(dict(zip(ids, chosen)), open("chosen.json", "w"))
c = json.load(open("hopnhat.json"))
c["exports"] = [{"name": "cv", "plugin": "reports", "options": {"form": "cv", "path": "out/cv.xlsx", "persons": ids}}]
json.dump(c, open("cv.json", "w"), ensure_ascii=False)
PY
"$HOPNHAT" sync --config cv.json --report cv-run.json >/dev/null 2>&1 || fail "the merger CVs: $(cat cv-run.json)"
mkdir lo && to_csv out/cv.xlsx
"$HOPNHAT" persons --config hopnhat.json --format json > persons.json
python3 - <<'PY' || fail "the postings of the CV"
import csv, glob, json
chosen = json.load(open("chosen.json"))
names = {u["code"]: u["name"] for u in csv.DictReader(open("units.csv"))}
persons = {p["person_id"]: {k: v["value"] for k, v in p["fields"].items()} for p in json.load(open("persons.json"))}
truth = {}
for r in csv.DictReader(open("truth_postings.csv")): truth.setdefault(r["person"], []).append(r)
def dmy(iso): return "/".join(reversed(iso.split("-"))) if iso else "nay"
for pid, who in chosen.items():
    rows = list(csv.reader(open("lo/cv-%s.csv" % persons[pid]["full_name"], encoding="utf-8")))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Từ ngày" and r[2] == "Đơn vị")
    got = []
    for r in rows[start + 1:]:
        if not any(r): break
        got.append(tuple(r[:4]))
    want = [(dmy(t["from"]), dmy(t["to"]), names[t["unit_code"]], t["position"]) for t in sorted(truth[who], key=lambda t: t["from"])]
    assert got == want, (pid, got, want)
print("cv postings ok")
PY
cd ..
echo "reports test passed"
