#!/usr/bin/env bash
# Bad configuration and bad input: a clear message naming the key or file, and no change.
source "$(dirname "$0")/lib.sh"

"$HOPNHAT" gen --persons 20 --seed 3 --out data >/dev/null
"$HOPNHAT" sync --config data/hopnhat.json >/dev/null 2>&1
"$HOPNHAT" persons --config data/hopnhat.json --format json > before.json
"$HOPNHAT" links --config data/hopnhat.json --format csv > links-before.csv
db_sum() { sha256sum data/hopnhat.db | cut -d' ' -f1; }

# A misspelt key: exit 2, the message names the key and its JSON path; the store is untouched.
sed 's/"options": {"path": "party_members.csv"/"optoins": {"path": "party_members.csv"/' data/hopnhat.json > data/misspelt.json
before=$(db_sum)
run_rc "$HOPNHAT" sync --config data/misspelt.json
assert_eq "$RC" "2" "exit code for a misspelt key"
assert_contains "$ERR" "sources[0].optoins" "error"
assert_contains "$ERR" "did you mean \"options\"" "error"
assert_eq "$(db_sum)" "$before" "store after a config error"

# A plugin option the plugin does not know, and one of the wrong type.
sed 's/"id": "Số thẻ đảng viên"/"idd": "Số thẻ đảng viên"/' data/hopnhat.json > data/badopt.json
run_rc "$HOPNHAT" validate --config data/badopt.json
assert_eq "$RC" "2" "exit code for an unknown plugin option"
assert_contains "$ERR" "sources[0].options.idd" "error"
sed 's/"encoding": "auto"/"encoding": "latin9"/' data/hopnhat.json > data/badenc.json
run_rc "$HOPNHAT" validate --config data/badenc.json
assert_eq "$RC" "2" "exit code for a bad encoding"
assert_contains "$ERR" "sources[2].options.encoding" "error"

# A plugin that does not exist.
sed 's/"plugin": "csv"/"plugin": "cvs"/' data/hopnhat.json > data/noplugin.json
run_rc "$HOPNHAT" sync --config data/noplugin.json
assert_eq "$RC" "2" "exit code for an unknown plugin"
assert_contains "$ERR" "no plugin named \"cvs\"" "error"

# A second plugin named csv in a plugin folder: validate and sync refuse the ambiguous name.
mkdir -m 755 shadow && cp "$BUILD_DIR/lib/hopnhat/plugins/csv.plugin.json" "$BUILD_DIR/lib/hopnhat/plugins/libhopnhat_csv.so" shadow/
run_rc "$HOPNHAT" validate --config data/hopnhat.json --plugin-dir shadow
assert_eq "$RC" "2" "validate with two plugins named csv"
assert_contains "$ERR" "more than one plugin is named \"csv\"" "the ambiguity"
assert_contains "$ERR" "shadow/csv.plugin.json" "the second file named"
run_rc "$HOPNHAT" sync --config data/hopnhat.json --plugin-dir shadow
assert_eq "$RC" "2" "sync with two plugins named csv"

# A missing input file: exit 1, the message names the file; persons and links unchanged.
mv data/civil_servants.csv data/civil_servants.moved
run_rc "$HOPNHAT" sync --config data/hopnhat.json
assert_eq "$RC" "1" "exit code for a missing file"
assert_contains "$OUT$ERR" "civil_servants.csv: the file does not exist" "error"
"$HOPNHAT" persons --config data/hopnhat.json --format json > after.json
"$HOPNHAT" links --config data/hopnhat.json --format csv > links-after.csv
cmp -s before.json after.json || fail "persons changed after a failed run"
cmp -s links-before.csv links-after.csv || fail "links changed after a failed run"
"$HOPNHAT" runs list --config data/hopnhat.json --format json > runs.json
assert_eq "$(json runs.json "j[0]['status']")" "failed" "the failed run is recorded"
mv data/civil_servants.moved data/civil_servants.csv

# A first run that fails leaves no store behind.
mkdir fresh && cp data/*.csv fresh/ && sed 's/hopnhat.db/fresh.db/' data/hopnhat.json > fresh/hopnhat.json
rm fresh/office_staff_tcvn3.csv
run_rc "$HOPNHAT" sync --config fresh/hopnhat.json
assert_eq "$RC" "1" "exit code of a failed first run"
[[ ! -e fresh/fresh.db ]] || fail "a failed first run left a store"

# Malformed CSV: the error names file and line.
printf 'Mã,Họ và tên\r\nA1,"Nguyễn\r\n' > bad.csv
cat > bad.json <<JSON
{"store": {"sqlite": "bad.db"}, "sources": [{"name": "s", "plugin": "csv", "options": {"path": "bad.csv", "id": "Mã"}}]}
JSON
run_rc "$HOPNHAT" sync --config bad.json
assert_eq "$RC" "1" "exit code for malformed CSV"
assert_contains "$OUT$ERR" "bad.csv: line 2: a quoted cell is never closed" "error"

# A row with an empty id is rejected by line, the others kept.
printf 'Mã,Họ và tên\r\nA1,An\r\n,Bình\r\nA3,Cúc\r\n' > rows.csv
sed 's/bad.csv/rows.csv/; s/bad.db/rows.db/' bad.json > rows.json
"$HOPNHAT" sync --config rows.json --report rows-report.json >/dev/null 2>&1
assert_eq "$(json rows-report.json "(j['sources'][0]['read'], j['sources'][0]['failed'])")" "(2, 1)" "rejected row"
assert_contains "$(json rows-report.json "j['sources'][0]['rejections'][0]")" "rows.csv line 3" "rejection"
# Messages are bounded (#22 item 5): a 10 MB line without a line end is named, not quoted whole
# into the output, the report and the runs table; a 10 MB name is refused, with the row.
printf 'Mã,Họ và tên\r\nA1,Lê Hoa\r\n' > noeol.csv
sed 's/bad.csv/noeol.csv/; s/bad.db/noeol.db/' bad.json > noeol.json
"$HOPNHAT" sync --config noeol.json >/dev/null 2>&1 || fail "a first run before the broken file"
python3 -c "open('noeol.csv', 'w').write('x' * 10_000_000)"
run_rc "$HOPNHAT" sync --config noeol.json --report noeol-report.json
assert_eq "$RC" "1" "a file without its header fails"
(( ${#OUT} + ${#ERR} < 20000 )) || fail "output of $(( ${#OUT} + ${#ERR} )) bytes for one broken line"
(( $(stat -c %s noeol-report.json) < 20000 )) || fail "a report of $(stat -c %s noeol-report.json) bytes"
assert_contains "$("$HOPNHAT" runs list --config noeol.json --format json | head -c 100000)" "not in the header" "the runs table"
(( $("$HOPNHAT" runs list --config noeol.json --format json | wc -c) < 20000 )) || fail "the runs table holds the line"
python3 -c "open('long.csv', 'w', encoding='utf-8').write('Mã,Họ và tên\r\nL1,' + 'Nguyễn' * 2_000_000 + '\r\nL2,Lê Hoa\r\n')"
sed 's/bad.csv/long.csv/; s/bad.db/long.db/' bad.json > long.json
"$HOPNHAT" sync --config long.json --report long-report.json >/dev/null 2>&1 || true
assert_eq "$(json long-report.json "(j['sources'][0]['read'], j['sources'][0]['failed'])")" "(1, 1)" "the 10 MB name refused with its row"
assert_contains "$(json long-report.json "j['sources'][0]['rejections'][0]")" "field full_name holds 16000000 bytes; at most 4096" "the rejection"
echo "errors_test: ok"
