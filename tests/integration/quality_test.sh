#!/usr/bin/env bash
# The quality surface holds its floors at every point (bench/quality_grid.py: hopnhat gen under
# missing and mistyped CCCDs and namesakes, FEBRL 1-3 and Splink's fake_1000 without any
# identifier), so that no change trades one corner for another. The floors are in
# tests/integration/quality_floors.json; docs/benchmarks.md has the figures at 3,000 persons.
source "$(dirname "$0")/lib.sh"
python3 "$SOURCE_DIR/bench/quality_grid.py" --hopnhat "$HOPNHAT" --persons 2000 --out "$WORK/grid" --json grid.json \
  --check "$SOURCE_DIR/tests/integration/quality_floors.json" || fail "quality floors (figures above)"
echo "quality test passed"
