#!/usr/bin/env bash
# The nightly job's safety: the lock, a crash at any moment (kill -9), partial failure with
# keep_previous, the mass-deletion guard, run retention, JSON logs.
source "$(dirname "$0")/lib.sh"

"$HOPNHAT" gen --persons 4000 --seed 51 --out data >/dev/null
cp -r data reference
dump() {  # the state a run leaves: persons with their values, links
  "$HOPNHAT" persons --config "$1" --format json | python3 -c "import json,sys; print(json.dumps([(p['person_id'], {k: v['value'] for k, v in p['fields'].items()}, p['records']) for p in json.load(sys.stdin)], sort_keys=True))"
  "$HOPNHAT" links --config "$1" --format csv
}
"$HOPNHAT" sync --config reference/hopnhat.json >/dev/null 2>&1
dump reference/hopnhat.json > reference.dump

# kill -9 at random moments, many times; then one run to the end equals a run never interrupted.
for i in $(seq 1 8); do
  "$HOPNHAT" --log-level error sync --config data/hopnhat.json >/dev/null 2>&1 &
  pid=$!
  sleep "0.$(( (RANDOM % 9) + 1 ))$(( RANDOM % 10 ))"
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
done
"$HOPNHAT" sync --config data/hopnhat.json --report after-crashes.json >/dev/null 2>&1 || fail "the run after the crashes failed"
dump data/hopnhat.json > crashed.dump
cmp -s reference.dump crashed.dump || fail "the store after kill -9 differs from an uninterrupted run"
store_check data/hopnhat.json
assert_eq "$(json after-crashes.json "j['status']")" "succeeded" "status after crashes"
"$HOPNHAT" runs list --config data/hopnhat.json --format json > runs.json
assert_eq "$(json runs.json "all(r['status'] in ('succeeded', 'failed') for r in j)")" "True" "no half-done run is recorded"

# The lock: a second sync while one runs exits 4 at once and says who holds it.
"$HOPNHAT" gen --persons 30000 --seed 52 --out big >/dev/null
"$HOPNHAT" --log-level error sync --config big/hopnhat.json >/dev/null 2>&1 &
holder=$!
for _ in $(seq 100); do [[ -s big/hopnhat.db.lock ]] && break; sleep 0.05; done
run_rc "$HOPNHAT" sync --config big/hopnhat.json
assert_eq "$RC" "4" "exit code while another run holds the lock"
assert_contains "$ERR" "pid $holder" "lock message"
wait $holder
# A stale lock file of a dead process is taken over.
echo "pid 99999 (a sync since 2026-01-01T00:00:00Z)" > big/hopnhat.db.lock
"$HOPNHAT" sync --config big/hopnhat.json >/dev/null 2>&1 || fail "a stale lock was not taken over"

# keep_previous: a failing source keeps its records, the others commit, exit 3.
python3 - data/hopnhat.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["sources"][2]["on_error"] = "keep_previous"
c["keep_runs"] = 3
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
mv data/office_staff_tcvn3.csv data/office.moved
run_rc "$HOPNHAT" sync --config data/hopnhat.json --report partial.json
assert_eq "$RC" "3" "exit code of a partial run"
assert_eq "$(json partial.json "[(s['name'], s['deleted'], 'error' in s) for s in j['sources']]")" "[('party', 0, False), ('civil', 0, False), ('office', 0, True)]" "partial report"
assert_contains "$("$HOPNHAT" links --config data/hopnhat.json --format csv)" ",office,HS" "office records kept"
assert_eq "$(json partial.json "j['status']")" "partial" "status"
mv data/office.moved data/office_staff_tcvn3.csv

# The mass-deletion guard: a party export cut to half deletes nobody, and says why.
head -n $(( $(wc -l < data/party_members.csv) / 2 )) data/party_members.csv > half.csv && mv half.csv data/party_members.csv
"$HOPNHAT" sync --config data/hopnhat.json --report guard.json >/dev/null 2>&1 || fail "guarded run"
assert_eq "$(json guard.json "j['sources'][0]['deleted']")" "0" "deletions held back"
assert_contains "$(json guard.json "j['sources'][0]['notes'][0]")" "far fewer" "guard note"

# Retention: keep_runs 3 keeps the three newest runs.
"$HOPNHAT" runs list --config data/hopnhat.json --format json > runs.json
assert_eq "$(json runs.json "len(j)")" "3" "runs kept"
"$HOPNHAT" runs show --config data/hopnhat.json "$(json runs.json "j[0]['run_id']")" > show.txt
assert_contains "$(cat show.txt)" "source party" "runs show"

# JSON logs: one object per line, no ID numbers at info level.
"$HOPNHAT" --log-format json sync --config data/hopnhat.json --dry-run 2> log.jsonl >/dev/null
python3 - log.jsonl data/civil_servants.csv <<'PY'
import json, sys, re
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
assert lines and all({"time", "level", "message"} <= set(l) for l in lines), lines[:2]
ids = set(re.findall(r"\b\d{12}\b", open(sys.argv[2], encoding="utf-8").read()))
leaked = [l["message"] for l in lines if any(i in l["message"] for i in ids)]
assert not leaked, leaked[:3]
PY
echo "nightly_test: ok"
