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
echo "encodings_test: ok"
