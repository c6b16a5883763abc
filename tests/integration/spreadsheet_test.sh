#!/usr/bin/env bash
# The spreadsheet plugin on workbooks made by LibreOffice: XLSX, XLS and ODS import to the same
# records as the CSV they came from; Vietnamese form layouts; TCVN3 cells; the XLSX roster read
# back by LibreOffice; every hostile file ends in a clear error.
source "$(dirname "$0")/lib.sh"
soffice_convert() {  # FORMAT FILE [CSV filter options]
  soffice --headless -env:UserInstallation="file://$WORK/lo-profile" ${3:+--infilter="$3"} --convert-to "$1" --outdir "$(dirname "$2")" "$2" >/dev/null 2>&1
}
command -v soffice >/dev/null || fail "LibreOffice (soffice) is needed: apt-get install libreoffice-calc-nogui"

# 1. The same staff list as CSV, XLSX, XLS and ODS (ids, dates and CCCD kept as text by LibreOffice).
"$HOPNHAT" gen --persons 120 --seed 61 --out data >/dev/null
mkdir books && cp data/party_members.csv books/staff.csv
for fmt in xlsx xls ods; do
  soffice_convert "$fmt" books/staff.csv "CSV:44,34,76,1,1/2/2/1/3/2/6/2/7/2/8/2,1066"
  [[ -s books/staff.$fmt ]] || fail "LibreOffice did not make staff.$fmt"
done
values() {  # PLUGIN FILE → the golden values of every person, without provenance
  cat > "v-$2.json" <<JSON
{"store": {"sqlite": "v-$2.db"}, "sources": [{"name": "s", "plugin": "$1", "options": {"path": "books/$2", "id": "Số thẻ đảng viên"}}]}
JSON
  "$HOPNHAT" sync --config "v-$2.json" --report "r-$2.json" >/dev/null 2>&1 || fail "sync of $2: $(cat "r-$2.json")"
  "$HOPNHAT" persons --config "v-$2.json" --format json | python3 -c "import json,sys; print(json.dumps(sorted([{k: v['value'] for k, v in p['fields'].items()} for p in json.load(sys.stdin)], key=lambda d: d.get('party_card_no', '')), ensure_ascii=False, sort_keys=True))"
}
values csv staff.csv > csv.values
for fmt in xlsx xls ods; do
  values spreadsheet "staff.$fmt" > "$fmt.values"
  cmp -s csv.values "$fmt.values" || fail "staff.$fmt imports differently from the CSV: $(diff <(tr '}' '\n' < csv.values) <(tr '}' '\n' < "$fmt.values") | head -5)"
  assert_eq "$(json "r-staff.$fmt.json" "j['sources'][0]['failed']")" "0" "rows failed in staff.$fmt"
done

# 2. A form as offices make it: title rows, a two-row header with "Ngày sinh" split into Nam and
#    Nữ, a row of column numbers, a section row, a footer; CCCDs stored as numbers; a TCVN3 cell.
python3 - > books/form.csv <<'PY'
rows = [
  ["HUYỆN ỦY - UBND HUYỆN", "", "", "", "", ""],
  ["DANH SÁCH CÁN BỘ, CÔNG CHỨC CƠ QUAN TỔ CHỨC – NỘI VỤ", "", "", "", "", ""],
  ["", "", "", "", "", ""],
  ["STT", "Họ và tên", "Ngày sinh", "", "Số CCCD", "Chức vụ"],
  ["", "", "Nam", "Nữ", "", ""],
  ["1", "2", "3", "4", "5", "6"],
  ["I. Phòng Nội vụ", "", "", "", "", ""],
  ["1", "Nguyễn Văn An", "12/09/1965", "", "1065012345", "Trưởng phòng"],
  ["2", "Trần Thị Bình", "", "03/04/1980", "22180012345", "Chuyên viên"],
  ["3", "NguyÔn V¨n Hïng", "1975", "", "", "Chuyên viên"],
  ["", "", "", "", "", ""],
  ["", "Người lập biểu", "", "", "Thủ trưởng đơn vị", ""],
]
import csv, sys
csv.writer(sys.stdout).writerows(rows)
PY
for fmt in xlsx ods; do
  soffice_convert "$fmt" books/form.csv "CSV:44,34,76,1,,1066"
  cat > "form-$fmt.json" <<JSON
{"store": {"sqlite": "form-$fmt.db"}, "sources": [{"name": "f", "plugin": "spreadsheet", "options": {"path": "books/form.$fmt"}}]}
JSON
  "$HOPNHAT" sync --config "form-$fmt.json" --report "form-$fmt-r.json" >/dev/null 2>&1 || fail "form.$fmt: $(cat "form-$fmt-r.json")"
  assert_eq "$(json "form-$fmt-r.json" "(j['sources'][0]['read'], j['sources'][0]['failed'])")" "(3, 0)" "people on form.$fmt"
  "$HOPNHAT" persons --config "form-$fmt.json" --format json > "form-$fmt.persons"
  python3 - "form-$fmt.persons" <<'PY'
import json, sys
people = {p["fields"]["full_name"]["value"]: {k: v["value"] for k, v in p["fields"].items()} for p in json.load(open(sys.argv[1]))}
assert set(people) == {"Nguyễn Văn An", "Trần Thị Bình", "Nguyễn Văn Hùng"}, people.keys()
assert people["Nguyễn Văn An"]["gender"] == "Nam" and people["Nguyễn Văn An"]["birth_date"] == "1965-09-12", people["Nguyễn Văn An"]
assert people["Trần Thị Bình"]["gender"] == "Nữ" and people["Trần Thị Bình"]["birth_date"] == "1980-04-03", people["Trần Thị Bình"]
assert people["Nguyễn Văn An"]["citizen_id"] == "001065012345", people["Nguyễn Văn An"]   # two zeros restored
assert people["Trần Thị Bình"]["citizen_id"] == "022180012345", people["Trần Thị Bình"]   # one zero restored
assert people["Nguyễn Văn An"]["position"] == "Trưởng phòng"
PY
done

# 3. The XLSX roster, read back by LibreOffice: IDs intact, real dates, no formula cells.
printf 'Mã,Họ và tên,Ngày sinh,Số CCCD,Chức vụ\r\nX1,Lê Văn Tám,12/09/1965,001065012345,"=HYPERLINK(""http://x"")"\r\nX2,Đỗ Thị Hoa,1970,,Chuyên viên\r\n' > roster-in.csv
cat > roster.json <<'JSON'
{"store": {"sqlite": "roster.db"}, "sources": [{"name": "s", "plugin": "csv", "options": {"path": "roster-in.csv", "id": "Mã"}}],
 "exports": [{"name": "x", "plugin": "spreadsheet", "options": {"path": "out/roster.xlsx"}}]}
JSON
"$HOPNHAT" sync --config roster.json >/dev/null 2>&1 || fail "roster export"
if unzip -p out/roster.xlsx xl/worksheets/sheet1.xml | grep -q "<f>"; then fail "the roster holds a formula cell"; fi
soffice_convert "csv:Text - txt - csv (StarCalc):44,34,76,1" out/roster.xlsx  # UTF-8 CSV
assert_contains "$(cat out/roster.csv)" "001065012345" "CCCD read back"
assert_contains "$(cat out/roster.csv)" "=HYPERLINK" "formula text read back as text"
# Cell by cell: what LibreOffice reads is what hopnhat holds.
"$HOPNHAT" persons --config roster.json --format json > roster-persons.json
python3 - out/roster.csv roster-persons.json <<'PY'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
labels = {"full_name": "Họ và tên", "birth_date": "Ngày sinh", "citizen_id": "Số CCCD", "position": "Chức vụ"}
head = rows[0]
assert head[0] == "person_id", head
persons = {p["person_id"]: {k: v["value"] for k, v in p["fields"].items()} for p in json.load(open(sys.argv[2]))}
assert len(rows) - 1 == len(persons), (len(rows), len(persons))
def shown(field, v):  # how a value looks once LibreOffice has read the cell back
    if field == "birth_date" and len(v) == 10:
        return f"{v[8:10]}/{v[5:7]}/{v[0:4]}"
    return v
for row in rows[1:]:
    p = persons[row[0]]
    for field, label in labels.items():
        col = head.index(label)
        assert row[col] == shown(field, p.get(field, "")), (row[0], field, row[col], p.get(field))
PY
python3 - out/roster.xlsx <<'PY'
import sys, zipfile, re
x = zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml").decode()
assert re.search(r'<c r="[A-Z]+2" s="\d+"><v>23997</v></c>', x), "12/09/1965 is not a date cell"  # Excel serial of 1965-09-12
PY

# 4. Hostile files: each ends in a clear error naming the file, and commits nothing.
python3 "$SOURCE_DIR/tests/support/hostile_xlsx.py" books books/staff.xlsx
cp books/staff.xls books/really-xls.xlsx
hostile() {  # FILE EXPECTED-TEXT
  cat > h.json <<JSON
{"store": {"sqlite": "h.db"}, "sources": [{"name": "s", "plugin": "spreadsheet", "options": {"path": "books/$1"}}]}
JSON
  run_rc timeout 60 "$HOPNHAT" sync --config h.json --report h.json.report
  assert_eq "$RC" "1" "exit code for $1"
  assert_contains "$(json h.json.report "j['error']")" "$1" "error names the file ($1)"
  assert_contains "$(json h.json.report "j['error']")" "$2" "error for $1"
  [[ ! -e h.db ]] || fail "a store was left after $1"
}
hostile bomb.xlsx "zip bomb"
hostile xxe.xlsx "DTD"
hostile traversal.xlsx "path trick"
hostile million.xlsx "more than 500000 rows"
hostile truncated.xlsx "not a readable"
hostile page.xlsx "not a readable"
hostile really-xls.xlsx "not a readable"

# 4b. A "quá trình công tác" workbook beside the staff list (made by LibreOffice from the CSV of
#     `gen --merger`): each civil servant's postings come with their record, as in the CSV.
"$HOPNHAT" gen --persons 60 --seed 62 --out merger --merger >/dev/null
cp merger/civil_servants.csv books/civil.csv && cp merger/civil_postings.csv books/qtct.csv
soffice_convert xlsx books/civil.csv "CSV:59,34,76,1,1/2/3/2/5/2,1066"
soffice_convert ods books/qtct.csv "CSV:44,34,76,1,1/2/2/2/3/2,1066"
[[ -s books/civil.xlsx && -s books/qtct.ods ]] || fail "LibreOffice did not make civil.xlsx and qtct.ods"
cat > hist.json <<'JSON'
{"store": {"sqlite": "hist.db"}, "sources": [{"name": "civil", "plugin": "spreadsheet",
 "options": {"path": "books/civil.xlsx", "id": "Mã cán bộ", "history": [{"path": "books/qtct.ods", "kind": "posting"}]}}]}
JSON
"$HOPNHAT" sync --config hist.json --report r-hist.json >/dev/null 2>&1 || fail "sync with a history sheet: $(cat r-hist.json)"
"$HOPNHAT" persons --config hist.json --format json > hist-persons.json
"$HOPNHAT" links --config hist.json --format csv > hist-links.csv
python3 - <<'PY' || fail "the postings read from the history sheet"
import csv, json
rows = {}
for r in csv.DictReader(open("merger/civil_postings.csv", encoding="utf-8")):
    iso = lambda d: "-".join(reversed(d.split("/"))) if d else ""
    rows.setdefault(r["Mã cán bộ"], []).append((r["Đơn vị"], iso(r["Từ ngày"]), iso(r["Đến ngày"])))
record_of = {l["person_id"]: l["record_id"] for l in csv.DictReader(open("hist-links.csv"))}
checked = 0
for p in json.load(open("hist-persons.json")):
    dated = [(t["fields"]["unit"], t["from"], t["to"]) for t in p.get("timeline", []) if not t["inferred"]]
    want = sorted(rows.get(record_of[p["person_id"]], []), key=lambda x: x[1])
    assert dated == want, (p["person_id"], dated, want)
    checked += bool(want)
assert checked > 40, checked
print("history sheet ok:", checked, "persons")
PY

# 5. The conformance testkit.
"$BUILD_DIR/bin/hopnhat-testkit" --manifest "$BUILD_DIR/lib/hopnhat/plugins/spreadsheet.plugin.json" \
  --importer-options "{\"path\": \"$WORK/books/staff.xlsx\", \"id\": \"Số thẻ đảng viên\"}" \
  --exporter-options '{"path": "roster.xlsx"}' > testkit.txt 2>&1 || { cat testkit.txt; fail "spreadsheet conformance"; }
echo "spreadsheet_test: ok"
