#!/usr/bin/env bash
# The bundled demo data is exactly what `hopnhat gen` makes with the documented seed, so the
# generator stays deterministic and the samples stay reproducible.
source "$(dirname "$0")/lib.sh"
"$HOPNHAT" gen --persons 60 --seed 2026 --out gen >/dev/null
for f in party_members.csv civil_servants.csv office_staff_tcvn3.csv truth.csv; do
  cmp -s "gen/$f" "$SOURCE_DIR/samples/demo/$f" || fail "samples/demo/$f differs from hopnhat gen --persons 60 --seed 2026"
done
# The office sheet really is TCVN3: not UTF-8, and decodes to Vietnamese.
if iconv -f utf-8 -t utf-8 "$SOURCE_DIR/samples/demo/office_staff_tcvn3.csv" >/dev/null 2>&1; then
  fail "the office sample is valid UTF-8, not TCVN3"
fi
echo "samples_test: ok"
