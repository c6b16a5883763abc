#!/usr/bin/env bash
# The civilservice plugin against the API simulator: full then incremental reads, every fault
# of the contract, the push back with idempotency keys and a dry run, and no secret anywhere.
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/support/civil_sim.sh"

"$HOPNHAT" gen --persons 150 --seed 31 --out data >/dev/null
python3 "$SOURCE_DIR/tests/support/civil_items.py" data/civil_servants.csv > items.json
total=$(json items.json "len(j)")
export CIVIL_SECRET='s3cret-Nội-vụ'
sim_start items.json hopnhat "$CIVIL_SECRET"
trap 'kill $SIM_PID 2>/dev/null; rm -rf "$WORK"' EXIT
BASE=$SIM_BASE
control() { sim_control "$1"; }
log_count() { sim_log_count "$1"; }

# Five persons whose position the HR office changed: the push sends exactly those.
python3 - data/civil_servants.csv > data/hr.csv <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline=""), delimiter=";") if r["Số định danh cá nhân"]][:5]
print("Mã,Số CCCD,Chức vụ")
for i, r in enumerate(rows):
    print(f"HR{i},{r['Số định danh cá nhân']},Phó Chánh Văn phòng")
PY
cat > data/civil.json <<JSON
{"store": {"sqlite": "civil.db"},
 "sources": [
   {"name": "civil", "plugin": "civilservice", "options": {"base_url": "$BASE", "client_id": "hopnhat",
     "client_secret": "\${CIVIL_SECRET}", "page_size": 37, "retry_base_ms": 20, "timeout_s": 2}},
   {"name": "hr", "plugin": "csv", "options": {"path": "hr.csv", "id": "Mã"}}
 ],
 "survivorship": {"fields": {"position": ["hr", "civil"]}},
 "exports": [
   {"name": "push", "plugin": "civilservice", "options": {"base_url": "$BASE", "client_id": "hopnhat",
     "client_secret": "\${CIVIL_SECRET}", "source": "civil", "push_fields": ["position"], "result_path": "push.jsonl",
     "retry_base_ms": 20}}
 ]}
JSON
sync_run() { run_rc "$HOPNHAT" sync --config data/civil.json --report "$1" "${@:2}"; }
civil() { json "$1" "[s for s in j['sources'] if s['name']=='civil'][0]$2"; }

# Dry run first: it says what it would send, and sends nothing.
sync_run dry.json --dry-run
assert_eq "$RC" "0" "dry run: $ERR"
assert_eq "$(python3 -c "import json; print(sum(1 for l in open('data/push.jsonl') if json.loads(l)['status']=='would_send'))")" "5" "would send"
assert_eq "$(log_count "e['method']=='PATCH'")" "0" "PATCH in a dry run"

# The first run reads everything and pushes the five positions, each with an Idempotency-Key.
sync_run r1.json
assert_eq "$RC" "0" "first sync: $ERR"
assert_eq "$(civil r1.json "['new']")" "$total" "items read"
assert_eq "$(log_count "e['method']=='PATCH' and e['idempotency_key']")" "5" "PATCH sent"
assert_eq "$(python3 -c "import json; print(sum(1 for l in open('data/push.jsonl') if json.loads(l)['status']=='sent'))")" "5" "result report"

# The items' nested postings and salary history are each person's dated timeline.
"$HOPNHAT" persons --config data/civil.json --format json > timeline.json
"$HOPNHAT" links --config data/civil.json --format csv > timeline-links.csv
python3 - <<'PY' || fail "the timeline from the items' nested arrays"
import csv, json
items = {i["ma_can_bo"]: i for i in json.load(open("items.json"))}
record_of = {l["person_id"]: l["record_id"] for l in csv.DictReader(open("timeline-links.csv")) if l["source"] == "civil"}
checked = grades = 0
for p in json.load(open("timeline.json")):
    item = items.get(record_of.get(p["person_id"]))
    if not item: continue
    unit = lambda u: u["ten"] if isinstance(u, dict) else u
    want = sorted([("grade", g["tu_ngay"], str(g["bac_luong"])) for g in item.get("qua_trinh_luong", [])] +
                  [("posting", e["tu_ngay"], unit(e["don_vi"])) for e in item["qua_trinh_cong_tac"]])
    got = sorted((t["kind"], t["from"], t["fields"].get("salary_step") or t["fields"].get("unit")) for t in p["timeline"] if not t["inferred"])
    assert got == want, (p["person_id"], got, want)
    checked += 1
    grades += any(t["kind"] == "grade" and t["to"] == "2020-12-31" for t in p["timeline"])
assert checked == len(items) and grades > 0, (checked, len(items), grades)
PY

# The next run asks only for what changed (our own five pushes) and pushes nothing more.
sync_run r2.json
assert_eq "$(civil r2.json "['changed']")" "5" "our pushes come back as changes"
[[ $(log_count "e['path']=='/api/v1/can-bo' and 'updated_since' in e['query']") -ge 1 ]] || fail "no call carried updated_since"
assert_eq "$(log_count "e['method']=='PATCH'")" "5" "no second push"

# Three items change in the state system: an incremental read counts exactly three.
first=$(json items.json "j[0]['ma_can_bo']"); second=$(json items.json "j[1]['ma_can_bo']"); third=$(json items.json "j[2]['ma_can_bo']")
control "{\"update\": {\"$first\": {\"bac_luong\": 9}, \"$second\": {\"chuc_vu\": \"Chuyên viên chính\"}, \"$third\": {\"he_so_luong\": 4.4}}}"
sync_run r3.json
assert_eq "$(civil r3.json "['changed']"),$(civil r3.json "['read']")" "3,3" "incremental read"

# Faults the gateway shows: 429 with Retry-After, 503s, an expired token, overlapping pages.
control '{"faults": [{"status": 429, "retry_after": 1}, {"status": 503}, {"status": 503}], "expire_tokens": true}'
tokens_before=$(log_count "e['path']=='/oauth/token'")
sync_run r4.json
assert_eq "$RC" "0" "sync through 429/503/expired token: $ERR"
# one renewal by the importer after its 401, one session for the exporter
assert_eq "$(log_count "e['path']=='/oauth/token'")" "$((tokens_before + 2))" "token renewed once"
control "{\"update\": {\"$first\": {\"bac_luong\": 10}}, \"faults\": []}"
sync_run r5.json
assert_eq "$(civil r5.json "['changed']")" "1" "after faults"
rm -f data/civil.db*; control '{"faults": [{}, {"overlap": true}, {"overlap": true}, {"overlap": true}]}'
sync_run r6.json
assert_eq "$RC" "0" "overlapping pages: $ERR"
assert_eq "$(civil r6.json "['read']"),$(civil r6.json "['failed']")" "$total,0" "overlapping pages absorbed"

# A truncated answer and a slow one fail the source: nothing is committed, the bookmark stays.
"$HOPNHAT" persons --config data/civil.json --format json > before.json
control "{\"update\": {\"$second\": {\"bac_luong\": 3}}, \"faults\": [{\"truncate\": true}]}"
sync_run r7.json
assert_eq "$RC" "1" "truncated JSON"
assert_contains "$(json r7.json "j['error']")" "not valid JSON" "error"
control '{"faults": [{"slow": 3}, {"slow": 3}, {"slow": 3}, {"slow": 3}, {"slow": 3}, {"slow": 3}]}'
sync_run r8.json
assert_eq "$RC" "1" "slow gateway"
assert_contains "$(json r8.json "j['error']")" "imeout" "error"
"$HOPNHAT" persons --config data/civil.json --format json > after.json
cmp -s before.json after.json || fail "a failed run changed persons"
control '{"faults": []}'
sleep 1
sync_run r9.json
assert_eq "$(civil r9.json "['changed']")" "1" "the change missed by the failed runs is read"

# The secret is nowhere: not in reports, logs, the store or the result report.
if grep -rqa "s3cret" data r*.json dry.json; then fail "the client secret leaked"; fi

# The conformance testkit (importer side; the exporter needs records of its own source).
"$BUILD_DIR/bin/hopnhat-testkit" --manifest "$BUILD_DIR/lib/hopnhat/plugins/civilservice.plugin.json" \
  --importer-options "{\"base_url\": \"$BASE\", \"client_id\": \"hopnhat\", \"client_secret\": \"$CIVIL_SECRET\"}" \
  > testkit.txt 2>&1 || { cat testkit.txt; fail "civilservice conformance"; }
echo "civilservice_test: ok"
