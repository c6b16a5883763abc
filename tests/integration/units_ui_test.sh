#!/usr/bin/env bash
# The units page of the admin UI in headless Chromium (tests/browser/units_ui.test.mjs): the
# headcount per unit on two dates equals `hopnhat units list`, a unit name no unit answers to is
# answered from its case with a unit's code, and the page then counts those persons in that unit;
# a person's home town written as a province of before 2025 shows the province of today; a
# person the civil-service system keeps postings for shows them on their page, as `persons` says.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/browser_lib.sh"

"$HOPNHAT" gen --persons 200 --seed 10 --out . --merger >/dev/null
# A current posting in dispute: the civil-service system's unit column says Văn phòng for one
# person whose postings there say the merged unit; its case is answered from the page at the end.
python3 "$SOURCE_DIR/tests/integration/dispute_posting.py" . >/dev/null
"$HOPNHAT" sync --config hopnhat.json >/dev/null 2>&1 || fail "first sync"
"$HOPNHAT" conflicts list --config hopnhat.json --format json > cases.json
DISPUTE=$(json cases.json "[c['id'] for c in j if c['kind'] == 'posting_disputed'][0]")
"$HOPNHAT" units list --config hopnhat.json --as-of 2025-08-01 --format json > after.json
"$HOPNHAT" units list --config hopnhat.json --as-of 2025-01-01 --format json > before.json
N=$(json after.json "sum(n['persons'] for n in j['unplaced'] if n['text'] == 'Chi bộ Cơ quan')")
[[ $N -gt 0 ]] || fail "no person is placed only by the party cell \"Chi bộ Cơ quan\""
# A person whose home town names a province of before 2025: the page says what it is now.
"$HOPNHAT" persons --config hopnhat.json --format json > persons.json
PERSON=$(json persons.json "[p['person_id'] for p in j if 'now' in p['fields'].get('hometown', {})][0]")
NOW=$(json persons.json "[p['fields']['hometown']['now']['value'] for p in j if p['person_id'] == '$PERSON'][0]")
# A person with a transfer or the move into the merged unit, and their postings as `persons` gives them.
MOVED=$(json persons.json "[p['person_id'] for p in j if sum(t['kind'] == 'posting' and t['from'] != '' for t in p.get('timeline', [])) >= 2][0]")
json persons.json "json.dumps([[t['unit_code'], t['from'], t['to']] for p in j if p['person_id'] == '$MOVED' for t in p['timeline']])" > moved.json
echo "mat-khau-reviewer" | "$HOPNHAT" users add lan --role reviewer --password-stdin --config hopnhat.json >/dev/null
start_server hopnhat.json

URL="$URL" PERSON="$PERSON" NOW="$NOW" MOVED="$MOVED" DISPUTE="$DISPUTE" MOVED_TIMELINE="$WORK/moved.json" AFTER="$WORK/after.json" BEFORE="$WORK/before.json" CHROMIUM="$CHROMIUM" OUT="$WORK" \
  node "$BROWSER_DIR/units_ui.test.mjs" || { KEEP_WORK=1; fail "browser test (screenshots in $WORK)"; }
"$HOPNHAT" units list --config hopnhat.json --as-of 2025-08-01 --format json > answered.json
# VP: those of the unit name answered, and the person whose posting was answered (from the merged unit).
assert_eq "$(json answered.json "[u['headcount'] for u in j['units'] if u['code'] == 'VP'][0]")" \
  "$(( $(json after.json "[u['headcount'] for u in j['units'] if u['code'] == 'VP'][0]") + N + 1 ))" "VP after the answers from the page"
assert_eq "$(json answered.json "[u['headcount'] for u in j['units'] if u['code'] == 'TCNV'][0]")" \
  "$(( $(json after.json "[u['headcount'] for u in j['units'] if u['code'] == 'TCNV'][0]") - 1 ))" "TCNV after the posting answered"
assert_eq "$(json answered.json "j['disputed_postings']")" "[]" "no posting in dispute once answered"
"$HOPNHAT" audit verify --config hopnhat.json >/dev/null || fail "audit chain after the browser session"
echo "units UI test passed"
