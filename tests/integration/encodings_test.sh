#!/usr/bin/env bash
# Legacy encodings import to NFC Vietnamese; exports neutralise formulas.
source "$(dirname "$0")/lib.sh"

# "Nguyễn Văn Hùng" and "Đặng Thị Ánh" typed in TCVN3 (bytes from the TCVN3 table).
printf 'M\xB7,H\xE4 v\xB5 t\xAAn,Ng\xB5y sinh\r\nA1,Nguy\xD4n V\xA8n H\xEFng,12/09/1965\r\nA2,\xA7\xC6ng Th\xDE \x83nh,1970\r\n' > tcvn3.csv
cat > c.json <<'JSON'
{"store": {"sqlite": "h.db"},
 "sources": [{"name": "office", "plugin": "csv", "options": {"path": "tcvn3.csv", "id": "Mã", "encoding": "auto"}}],
 "exports": [{"name": "roster", "plugin": "csv", "options": {"path": "roster.csv", "bom": false}}]}
JSON
"$HOPNHAT" sync --config c.json >/dev/null 2>&1
"$HOPNHAT" persons --config c.json --format json > p.json
assert_eq "$(json p.json "sorted(p['fields']['full_name']['value'] for p in j)")" "['Nguyễn Văn Hùng', 'Đặng Thị Ánh']" "TCVN3 names"
assert_eq "$(json p.json "sorted(p['fields']['birth_date']['value'] for p in j)")" "['1965-09-12', '1970']" "dates with precision"
python3 -c "
import unicodedata,json,sys
for p in json.load(open('p.json')):
    v = p['fields']['full_name']['value']
    assert unicodedata.normalize('NFC', v) == v, v
"

# Formula-looking values are written as text.
printf 'Mã,Họ và tên,Chức vụ\r\nB1,An,"=HYPERLINK(""http://x"")"\r\nB2,Bình,+84 Trưởng phòng\r\n' > f.csv
sed 's/tcvn3.csv/f.csv/; s/h.db/f.db/; s/"encoding": "auto"/"encoding": "utf-8"/' c.json > f.json
"$HOPNHAT" sync --config f.json >/dev/null 2>&1
assert_contains "$(cat roster.csv)" "\"'=HYPERLINK(\"\"http://x\"\")\"" "roster"
assert_contains "$(cat roster.csv)" "'+84 Trưởng phòng" "roster"
if grep -q ',=' roster.csv; then fail "a cell starts with ="; fi

# UTF-16 with a BOM, as Excel's "Unicode text" saves it.
printf 'Mã\tHọ và tên\r\nC1\tLê Thị Hoa\r\n' | iconv -f utf-8 -t utf-16 > u16.txt
cat > u.json <<'JSON'
{"store": {"sqlite": "u.db"}, "sources": [{"name": "s", "plugin": "csv", "options": {"path": "u16.txt", "id": "Mã"}}]}
JSON
"$HOPNHAT" sync --config u.json >/dev/null 2>&1
"$HOPNHAT" persons --config u.json --format csv > u.csv
assert_contains "$(cat u.csv)" "Lê Thị Hoa" "UTF-16 import"
# UTF-8 with one invalid byte and Vietnamese headings: read as UTF-8 (not as TCVN3 mojibake), the
# row holding the byte rejected with its line and column, the choice and its evidence in the
# report. A NUL byte in a heading does not lose the column.
printf 'M\xc3\xa3,H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan,Ng\xc3\xa0y sinh\r\nD1,Nguy\xe1\xbb\x85n V\xc4\x83n H\xc3\xb9ng,12/09/1965\r\nD2,Tr\xe1\xba\xa7n Th\xe1\xbb\x8b Lan\xff,1970\r\nD3,L\xc3\xaa \xc4\x90\xe1\xbb\xa9c Anh,1980\r\n' > bad.csv
sed 's/tcvn3.csv/bad.csv/; s/h.db/b.db/' c.json > b.json
run_rc "$HOPNHAT" sync --config b.json --report b-report.json
"$HOPNHAT" persons --config b.json --format json > b.json.persons
assert_eq "$(json b.json.persons "sorted(p['fields']['full_name']['value'] for p in j)")" "['Lê Đức Anh', 'Nguyễn Văn Hùng']" "UTF-8 names beside a bad byte"
assert_eq "$(json b-report.json "j['sources'][0]['failed']")" "1" "the row with the bad byte is rejected"
assert_contains "$(json b-report.json "j['sources'][0]['rejections'][0]")" "bad.csv line 3: column B" "the rejection names line and column"
assert_contains "$(json b-report.json "' | '.join(j['sources'][0]['notes'])")" "read as UTF-8: 13 valid multi-byte UTF-8 sequences against 1 invalid byte" "the evidence in the report"
printf 'M\xc3\xa3,H\xe1\xbb\x8d v\xc3\xa0\x00 t\xc3\xaan\r\nE1,L\xc3\xaa Hoa\r\n' > nul.csv
sed 's/tcvn3.csv/nul.csv/; s/h.db/n.db/' c.json > n.json
"$HOPNHAT" sync --config n.json --report n-report.json >/dev/null 2>&1
"$HOPNHAT" persons --config n.json --format json > n.persons
assert_eq "$(json n.persons "j[0]['fields']['full_name']['value']")" "Lê Hoa" "a NUL byte in a heading keeps the column"
assert_contains "$(json n-report.json "' | '.join(j['sources'][0]['notes'])")" "control character" "the NUL byte is reported"
echo "encodings_test: ok"
