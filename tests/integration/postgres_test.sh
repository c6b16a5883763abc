#!/usr/bin/env bash
# The PostgreSQL store against a real server started here (initdb in a temporary folder, as an
# unprivileged user, on a loopback port): migrations with `store status|migrate`; the same inputs
# give the same persons, links and conflicts as the SQLite store over a full run, a re-run and
# an incremental run with changes and deletions (and the headcount by unit); the run lock is an advisory lock (exit 4 while
# another session holds it); a sync killed with -9 leaves nothing half-done; and decisions made
# while a sync runs are neither lost nor overwritten.
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/support/pg.sh"
pg_start

export HOPNHAT_PG_PASSWORD='mật-khẩu-Tổ-chức'
pg_psql postgres -c "CREATE ROLE hopnhat LOGIN PASSWORD '$HOPNHAT_PG_PASSWORD'" -c "CREATE DATABASE hopnhat OWNER hopnhat"
"$HOPNHAT" gen --persons 3000 --seed 33 --out data --merger >/dev/null  # with units spelt per source and a merger
python3 - "$PG_PORT" <<'PY'
import json, sys
c = json.load(open("data/hopnhat.json"))
c["exports"] = [{"name": "roster", "plugin": "csv", "options": {"path": "out/pg-roster.csv"}}]
c["organisation"] = {"units": "units.csv", "crosswalk": "crosswalk.csv"}  # the headcount by unit, compared below
c["store"] = {"postgres": "postgresql://hopnhat:${HOPNHAT_PG_PASSWORD}@127.0.0.1:%s/hopnhat" % sys.argv[1],
              "postgres_options": {"sslmode": "disable", "connect_timeout": "10"}}
json.dump(c, open("data/pg.json", "w"), ensure_ascii=False)
c["exports"][0]["options"]["path"] = "out/lite-roster.csv"
c["store"] = {"sqlite": "lite.db"}
json.dump(c, open("data/lite.json", "w"), ensure_ascii=False)
PY

# 1. Migrations: all of them pending on an empty database, none after `store migrate`.
"$HOPNHAT" store status --config data/pg.json --format json > st.json
assert_eq "$(json st.json "(j['version'], len(j['pending']))")" "(0, 14)" "status of an empty database"
assert_contains "$("$HOPNHAT" store migrate --config data/pg.json)" "applied 008_links_by_person.sql" "migrate"
"$HOPNHAT" store status --config data/pg.json --format json > st.json
assert_eq "$(json st.json "(j['version'], j['pending'])")" "(14, [])" "status after migrate"
assert_contains "$(json st.json "j['store']")" "PostgreSQL hopnhat on 127.0.0.1:$PG_PORT" "describe"

# 2. The same inputs, the same results on both backends.
snapshot() {  # CONFIG NAME: persons, links and conflicts as comparable text
  "$HOPNHAT" persons --config "$1" --format json > "$2.persons"
  "$HOPNHAT" links --config "$1" --format csv > "$2.links"
  "$HOPNHAT" conflicts list --config "$1" --format json > "$2.conflicts"
  "$HOPNHAT" units list --config "$1" --as-of 2025-08-01 --format json > "$2.units"
}
compare() {  # STEP
  snapshot data/pg.json pg
  snapshot data/lite.json lite
  for part in persons links conflicts units; do
    cmp -s "pg.$part" "lite.$part" || fail "$1: $part differ between PostgreSQL and SQLite: $(diff "pg.$part" "lite.$part" | head -5)"
  done
  # The rosters too: written whole by the first run, patched by the later ones.
  cmp -s data/out/pg-roster.csv data/out/lite-roster.csv || fail "$1: the rosters differ: $(diff data/out/pg-roster.csv data/out/lite-roster.csv | head -5)"
}
for cfg in pg lite; do "$HOPNHAT" sync --config "data/$cfg.json" --report "$cfg-1.json" >/dev/null 2>&1 || fail "first sync ($cfg): $(cat $cfg-1.json)"; done
assert_eq "$(json pg-1.json "j['persons']")" "$(json lite-1.json "j['persons']")" "person counts of the first run"
compare "first run"
# The headcount per unit, the same on both backends (compared above), is the generator's truth.
"$HOPNHAT" units list --config data/pg.json --as-of 2025-01-01 --format json > pg-before.units
python3 "$SOURCE_DIR/tests/integration/units_truth.py" data pg-before.units pg.units || fail "the headcount on PostgreSQL"
for cfg in pg lite; do store_check "data/$cfg.json"; done
for cfg in pg lite; do "$HOPNHAT" sync --config "data/$cfg.json" --report "$cfg-2.json" >/dev/null 2>&1 || fail "second sync ($cfg)"; done
assert_eq "$(json pg-2.json "(j['sources'][0]['new'], j['sources'][0]['changed'], j['persons']['created'], j['persons']['updated'])")" "(0, 0, 0, 0)" "an unchanged re-run on PostgreSQL"
compare "unchanged re-run"
python3 - <<'PY'
import csv, io
path = "data/civil_servants.csv"
text = open(path, encoding="utf-8-sig").read()
rows = list(csv.reader(io.StringIO(text), delimiter=";"))
head, body = rows[0], rows[1:]
pos = head.index("Chức vụ")
for r in body[:40]: r[pos] = "Phó Chánh Văn phòng"   # changed
body = body[:-25]                                      # deleted
out = io.StringIO()
csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([head] + body)
open(path, "w", encoding="utf-8").write(out.getvalue())
PY
for cfg in pg lite; do "$HOPNHAT" sync --config "data/$cfg.json" --report "$cfg-3.json" >/dev/null 2>&1 || fail "third sync ($cfg)"; done
assert_eq "$(json pg-3.json "[(s['changed'], s['deleted']) for s in j['sources'] if s['name']=='civil'][0]")" "(40, 25)" "changes seen on PostgreSQL"
compare "incremental run with changes and deletions"
assert_eq "$(json pg-3.json "(j['exports'][0]['mode'], j['exports'][0]['since_run'])")" "('changes', $(json pg-2.json "j['run_id']"))" "the roster patched on PostgreSQL"

# 3. The run lock is an advisory lock: while another session holds it, a sync exits 4 at once.
KEY=$((0x686f706e686174))
( pg_psql hopnhat -c "SELECT pg_advisory_lock($KEY); SELECT pg_sleep(30)" >/dev/null 2>&1 & echo $! > holder.pid )
for _ in $(seq 100); do [[ $(pg_psql hopnhat -tA -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") == 1 ]] && break; sleep 0.1; done
run_rc "$HOPNHAT" sync --config data/pg.json
assert_eq "$RC" "4" "exit code while the lock is held"
assert_contains "$ERR" "holds its lock" "the message"
pg_psql postgres -c "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'" >/dev/null
kill "$(cat holder.pid)" 2>/dev/null || true

# 4. kill -9 in the middle of a run: nothing of it lands, the next run completes as if it never ran.
#    60 party members change; the sync matches every record (--rematch). To kill it mid-run
#    whatever the machine's speed (a timer missed on a loaded machine), another session holds the
#    persons table locked: the sync imports its records, then waits for the table inside its
#    transaction, and is killed while it waits.
python3 <<'PY'
import csv, io
path = "data/party_members.csv"
rows = list(csv.reader(io.StringIO(open(path, encoding="utf-8-sig").read())))
head, body = rows[0], rows[1:]
col = head.index("Chi bộ")
for r in body[:60]: r[col] = "Chi bộ số 60"
out = io.StringIO(); csv.writer(out, lineterminator="\r\n").writerows([head] + body)
open(path, "w", encoding="utf-8").write(out.getvalue())
PY
BEFORE=$(pg_psql hopnhat -tA -c "SELECT count(*) FROM runs")
( pg_psql hopnhat -c "BEGIN" -c "LOCK TABLE persons IN ACCESS EXCLUSIVE MODE" -c "SELECT pg_sleep(120)" >/dev/null 2>&1 & echo $! > blocker.pid )
for _ in $(seq 200); do
  [[ $(pg_psql hopnhat -tA -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'persons' AND l.mode = 'AccessExclusiveLock' AND l.granted") == 1 ]] && break
  sleep 0.05
done
"$HOPNHAT" sync --config data/pg.json --rematch >/dev/null 2>&1 &
VICTIM=$!
WAITING=no
for _ in $(seq 1200); do  # up to a minute
  if [[ $(pg_psql hopnhat -tA -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'hopnhat' AND wait_event_type = 'Lock'") -ge 1 ]]; then
    WAITING=yes
    break
  fi
  kill -0 $VICTIM 2>/dev/null || break
  sleep 0.05
done
kill -9 $VICTIM 2>/dev/null || true
wait $VICTIM 2>/dev/null || true
pg_psql postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'hopnhat' AND query LIKE '%pg_sleep(120)%'" >/dev/null
kill "$(cat blocker.pid)" 2>/dev/null || true
[[ $WAITING == yes ]] || fail "the sync never waited for the locked table (it exited first)"
assert_eq "$(pg_psql hopnhat -tA -c "SELECT count(*) FROM runs")" "$BEFORE" "runs after a sync killed mid-run"
assert_eq "$(pg_psql hopnhat -tA -c "SELECT count(*) FROM source_records WHERE changed_run > $BEFORE")" "0" "records of the killed run"
echo "the sync was killed in the middle of its run (waiting inside its transaction); nothing of it landed"
ls data/pg.unfinished-run.* >/dev/null 2>&1 || fail "the killed run left no note"
# The SQLite twin is killed too (as soon as its note says a run began), so both stores count
# one killed run and their run numbers stay comparable.
"$HOPNHAT" sync --config data/lite.json >/dev/null 2>&1 &
LITE=$!
for _ in $(seq 200); do compgen -G "data/*.unfinished-run.$LITE" >/dev/null && break; sleep 0.05; done
kill -9 $LITE 2>/dev/null || true
wait $LITE 2>/dev/null || true
for cfg in pg lite; do "$HOPNHAT" sync --config "data/$cfg.json" --report "$cfg-4.json" >/dev/null 2>&1 || fail "sync after kill -9 ($cfg): $(cat $cfg-4.json)"; done
# The next run recorded the killed one as failed, in the runs table.
"$HOPNHAT" runs list --config data/pg.json --format json > pg-runs.json
assert_eq "$(json pg-runs.json "j[1]['status']")" "failed" "the killed run, recorded by the next"
assert_contains "$(json pg-runs.json "j[1]['report']['error']")" "ended without a word" "its error"
assert_eq "$(json pg-4.json "[s['changed'] for s in j['sources'] if s['name']=='party'][0]")" "60" "the next run sees every change of the killed one"
compare "after a killed run"
for cfg in pg lite; do store_check "data/$cfg.json"; done

# 5. Decisions made while a sync runs are neither lost nor overwritten. A larger agency in its
#    own database, so that the run lasts long enough for administrators to decide meanwhile.
pg_psql postgres -c "CREATE DATABASE big OWNER hopnhat" >/dev/null
"$HOPNHAT" gen --persons 12000 --seed 34 --out big >/dev/null
python3 - "$PG_PORT" <<'PY'
import json, sys
c = json.load(open("big/hopnhat.json"))
c["exports"] = []
c["store"] = {"postgres": "postgresql://hopnhat:${HOPNHAT_PG_PASSWORD}@127.0.0.1:%s/big" % sys.argv[1]}
json.dump(c, open("big/big.json", "w"), ensure_ascii=False)
PY
"$HOPNHAT" sync --config big/big.json --report big-1.json >/dev/null 2>&1 || fail "first sync of the larger agency"
# Decisions are spread over the length of a run, so that some land while it imports and some
# while it reconciles (after it read the decisions, before it wrote the persons).
"$HOPNHAT" sync --config big/big.json --report big-2.json >/dev/null 2>&1 || fail "second sync of the larger agency"
# The run below changes every civil servant: it matches every record, as the first run did.
STEP=$(json big-1.json "round(sum(j['stages'].values()) / 16, 3)")
"$HOPNHAT" conflicts list --config big/big.json --format json > open.json
mapfile -t CASES < <(json open.json "'\n'.join([str(c['id']) for c in j if c['kind']=='value_mismatch' and len(c['candidates'])>=2][:8])")
[[ ${#CASES[@]} -ge 3 ]] || fail "too few value conflicts to decide (${#CASES[@]})"
python3 - <<'PY'
import csv, io
path = "big/civil_servants.csv"
text = open(path, encoding="utf-8-sig").read()
rows = list(csv.reader(io.StringIO(text), delimiter=";"))
head, body = rows[0], rows[1:]
col = head.index("Hệ số lương")
for r in body: r[col] = "%.2f" % (float(r[col] or 2) + 0.01)   # every civil servant changes: the run rewrites every person
out = io.StringIO(); csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([head] + body)
open(path, "w", encoding="utf-8").write(out.getvalue())
PY
"$HOPNHAT" sync --config big/big.json --report pg-5.json >/dev/null 2>&1 &
SYNC=$!
for _ in $(seq 200); do [[ $(pg_psql hopnhat -tA -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") == 1 ]] && break; sleep 0.02; done
ISSUED=0 PIDS=()
for id in "${CASES[@]}"; do  # each decision in its own process, started at intervals over the run
  sleep "$STEP"
  if kill -0 $SYNC 2>/dev/null; then ISSUED=$((ISSUED + 1)); fi
  "$HOPNHAT" conflicts resolve "$id" --action choose --candidate 2 --note "trong lúc đồng bộ" --as lan --config big/big.json --format json > "d-$id.json" 2> "d-$id.err" &
  PIDS+=($!)
done
wait $SYNC || fail "the sync that ran beside the decisions: $(cat pg-5.json)"
for i in "${!PIDS[@]}"; do wait "${PIDS[$i]}" || fail "deciding #${CASES[$i]} while the sync ran: $(cat "d-${CASES[$i]}.err")"; done
# A decision on a person the run has already rewritten waits for the run's commit (a row lock)
# and lands after it; one on a person the run has not reached commits at once, and the run must
# not overwrite it (it applies decisions committed meanwhile before it commits).
echo "decisions made while the sync ran: $ISSUED of ${#CASES[@]} (steps of ${STEP}s; runs of $(json big-1.json "round(sum(j['stages'].values()), 2)")s and $(json pg-5.json "round(sum(j['stages'].values()), 2)")s)"
[[ $ISSUED -ge 2 ]] || fail "the sync ended before the decisions began: the test did not run them side by side"
check_decisions() {  # STEP
  "$HOPNHAT" persons --config big/big.json --format json > p.json
  for id in "${CASES[@]}"; do
    python3 - "$id" "$1" <<'PY' || exit 1
import json, sys
d = json.load(open("d-%s.json" % sys.argv[1]))
p = next(p for p in json.load(open("p.json")) if p["person_id"] == d["person_id"])
g = p["fields"][d["field"]]
assert (g["value"], g["rule"]) == (d["value"], "decision"), "%s: decision #%s on %s lost or overwritten: %s" % (sys.argv[2], d["id"], d["person_id"], g)
PY
  done
  "$HOPNHAT" conflicts list --config big/big.json --format json > still.json
  for id in "${CASES[@]}"; do
    assert_eq "$(json still.json "[c['id'] for c in j if c['id']==$id]")" "[]" "$1: case #$id reopened"
  done
}
check_decisions "right after the concurrent sync"
"$HOPNHAT" sync --config big/big.json >/dev/null 2>&1 || fail "the next sync"
check_decisions "after the next sync"
"$HOPNHAT" audit verify --config big/big.json >/dev/null || fail "audit chain on PostgreSQL"
echo "postgres store test passed"
