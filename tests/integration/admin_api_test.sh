#!/usr/bin/env bash
# The admin server over real HTTP on loopback: sessions and CSRF, roles, the lock-out after
# failed logins, resolving and undoing through the JSON API, decisions that hold on every later
# run, a decision whose record disappeared flagged (not dropped), and the audit chain verified
# and a hand edit detected.
source "$(dirname "$0")/lib.sh"

"$HOPNHAT" gen --persons 120 --seed 5 --out . >/dev/null
"$HOPNHAT" sync --config hopnhat.json >/dev/null 2>&1 || fail "first sync"
echo "mat-khau-reviewer" | "$HOPNHAT" users add lan --role reviewer --password-stdin --config hopnhat.json >/dev/null
echo "mat-khau-viewer-1" | "$HOPNHAT" users add xem --role viewer --password-stdin --config hopnhat.json >/dev/null
echo "mat-khau-admin-01" | "$HOPNHAT" users add quan --role admin --password-stdin --config hopnhat.json >/dev/null
run_rc "$HOPNHAT" users add ngan --role viewer --password-stdin --config hopnhat.json <<<"short"
assert_eq "$RC" "2" "a short password"

"$HOPNHAT" serve --config hopnhat.json --listen 127.0.0.1:0 > serve.out 2> serve.err &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"' EXIT
for _ in $(seq 50); do grep -q listening serve.out && break; sleep 0.1; done
URL=$(grep -o 'http://[^ ]*' serve.out) || fail "the server did not start: $(cat serve.err)"

code() { curl -s -o body.json -w '%{http_code}' "$@"; }
login() {  # USER PASSWORD JAR → the CSRF token
  [[ $(code -c "$3" -H 'Content-Type: application/json' -d "{\"user\":\"$1\",\"password\":\"$2\"}" "${URL}api/login") == 200 ]] || fail "login $1: $(cat body.json)"
  json body.json "j['csrf']"
}

# Without a session: 401; with a wrong password: 401; the page itself is served with a strict CSP.
assert_eq "$(code "${URL}api/conflicts")" "401" "no session"
assert_eq "$(code -H 'Content-Type: application/json' -d '{"user":"lan","password":"sai"}' "${URL}api/login")" "401" "bad password"
HEADERS=$(curl -s -D - -o /dev/null "$URL")
assert_contains "$HEADERS" "Content-Security-Policy: default-src 'self'" "the page's headers"
assert_contains "$(curl -s "$URL")" '<script src="/app.js"' "the page"
[[ $(curl -s "${URL}app.js" | wc -c) -gt 5000 ]] || fail "app.js is not served"

CSRF=$(login lan mat-khau-reviewer lan.jar)
COOKIE=$(grep hopnhat_session lan.jar)
grep -q '#HttpOnly_' lan.jar || fail "the session cookie is not HttpOnly: $COOKIE"
curl -s -c - -o /dev/null -H 'Content-Type: application/json' -d '{"user":"lan","password":"mat-khau-reviewer"}' -D headers.txt "${URL}api/login" >/dev/null
assert_contains "$(cat headers.txt)" "SameSite=Strict" "Set-Cookie"

assert_eq "$(code -b lan.jar "${URL}api/conflicts?kind=value_mismatch")" "200" "conflict list"
CID=$(json body.json "j['items'][0]['id']")
TOTAL=$(json body.json "j['total']")
PERSON=$(json body.json "j['items'][0]['person_id']")
[[ $TOTAL -gt 0 ]] || fail "no value conflicts in the generated data"
assert_eq "$(code -b lan.jar "${URL}api/conflicts/$CID")" "200" "one conflict"
# Ids and paging out of range: 400 naming the parameter, never a 500.
status_of() { curl -s -o /dev/null -w '%{http_code}' "$@"; }  # leaves body.json to the checks around
assert_eq "$(status_of -b lan.jar "${URL}api/conflicts/9223372036854775808")" "400" "an id beyond 64 bits"
assert_contains "$(curl -s -b lan.jar "${URL}api/conflicts/9223372036854775808")" "the id in the path" "the message names it"
assert_eq "$(status_of -b lan.jar "${URL}api/conflicts?page=9223372036854775807")" "400" "a page beyond any"
assert_contains "$(curl -s -b lan.jar "${URL}api/conflicts?page=abc")" "page: expected a whole number" "the parameter named"
assert_eq "$(status_of -b lan.jar "${URL}api/conflicts?page=2&per_page=5000")" "200" "per_page above 200 means 200"
FIELD=$(json body.json "j['field']")
VALUE=$(json body.json "j['candidates'][1]['value']")
SRC=$(json body.json "j['candidates'][1]['source']")
assert_eq "$(json body.json "[c['id'] for c in j['candidates']][:2]")" "[1, 2]" "candidate ids"
assert_eq "$(json body.json "len(j['records'])")" "$(json body.json "len(j['candidates'])")" "records side by side"

# A POST without the CSRF header, or with another one: 403. A viewer cannot decide: 403.
assert_eq "$(code -b lan.jar -d '{"action":"choose","candidate":2}' "${URL}api/conflicts/$CID/resolve")" "403" "no CSRF token"
assert_eq "$(code -b lan.jar -H 'X-CSRF-Token: abc' -d '{"action":"choose","candidate":2}' "${URL}api/conflicts/$CID/resolve")" "403" "wrong CSRF token"
XCSRF=$(login xem mat-khau-viewer-1 xem.jar)
assert_eq "$(code -b xem.jar -H "X-CSRF-Token: $XCSRF" -d '{"action":"choose","candidate":2}' "${URL}api/conflicts/$CID/resolve")" "403" "viewer decides"
assert_eq "$(code -b xem.jar "${URL}api/users")" "403" "viewer lists users"
# A wrong body names what is wrong.
assert_eq "$(code -b lan.jar -H "X-CSRF-Token: $CSRF" -d '{"action":"pick"}' "${URL}api/conflicts/$CID/resolve")" "400" "bad action"
assert_contains "$(cat body.json)" "/action: expected one of" "the error"

# Choose the second candidate's value: the case leaves the queue, the person shows the value.
assert_eq "$(code -b lan.jar -H "X-CSRF-Token: $CSRF" -d "{\"action\":\"choose\",\"candidate\":2,\"note\":\"theo hồ sơ gốc\"}" "${URL}api/conflicts/$CID/resolve")" "200" "resolve"
DID=$(json body.json "j['decision']['id']")
assert_eq "$(code -b lan.jar "${URL}api/conflicts?kind=value_mismatch")" "200" "list again"
assert_eq "$(json body.json "j['total']")" "$((TOTAL - 1))" "the queue after the decision"
assert_eq "$(code -b lan.jar "${URL}api/persons/$PERSON")" "200" "person"
assert_eq "$(json body.json "(j['golden']['$FIELD']['value'], j['golden']['$FIELD']['rule'])")" "('$VALUE', 'decision')" "the chosen value"
assert_eq "$(code -b lan.jar -H "X-CSRF-Token: $CSRF" -d '{"action":"defer"}' "${URL}api/conflicts/$CID/resolve")" "409" "deciding twice"

# The decision holds on every later run, with its provenance.
for run in 1 2 3; do
  "$HOPNHAT" sync --config hopnhat.json --report "r$run.json" >/dev/null 2>&1 || fail "sync $run"
  "$HOPNHAT" persons --config hopnhat.json --format json > p.json
  assert_eq "$(python3 -c "import json; p=[p for p in json.load(open('p.json')) if p['person_id']=='$PERSON'][0]['fields']['$FIELD']; print((p['value'], p['rule'], p['source']))")" "('$VALUE', 'decision', '$SRC')" "after sync $run"
  assert_eq "$(json "r$run.json" "j['decisions']['applied'] >= 1")" "True" "decisions applied in run $run"
done
"$HOPNHAT" conflicts list --config hopnhat.json --format json > open.json
assert_eq "$(json open.json "[c for c in j if c['person_id']=='$PERSON' and c['field']=='$FIELD']")" "[]" "the case stays closed"

# Undo: the case opens again, and the next run is back to the automatic rule.
CSRF=$(login lan mat-khau-reviewer lan.jar)
assert_eq "$(code -b lan.jar -H "X-CSRF-Token: $CSRF" -d '{}' "${URL}api/decisions/$DID/undo")" "200" "undo"
assert_eq "$(code -b lan.jar "${URL}api/conflicts/$CID")" "200" "the case"
assert_eq "$(json body.json "j['status']")" "open" "the case after undo"
"$HOPNHAT" sync --config hopnhat.json >/dev/null 2>&1 || fail "sync after undo"
store_check hopnhat.json
"$HOPNHAT" persons --config hopnhat.json --format json > p.json
assert_eq "$(python3 -c "import json; print([p for p in json.load(open('p.json')) if p['person_id']=='$PERSON'][0]['fields']['$FIELD']['rule'] != 'decision')")" "True" "after undo"

# A decision whose chosen record disappears is flagged, not dropped.
assert_eq "$(code -b lan.jar "${URL}api/conflicts?kind=value_mismatch")" "200" "list"
CID2=$(json body.json "j['items'][0]['id']")
"$HOPNHAT" conflicts resolve "$CID2" --action choose --candidate 1 --config hopnhat.json --format json > d2.json
read -r GONE_SRC GONE_ID < <(json d2.json "j['chosen']['source'] + ' ' + j['chosen']['record_id']")
python3 - "$GONE_SRC" "$GONE_ID" <<'PY'
import json, sys, csv
cfg = json.load(open("hopnhat.json"))
src = next(s for s in cfg["sources"] if s["name"] == sys.argv[1])
path, id_col = src["options"]["path"], src["options"]["id"]
raw = open(path, "rb").read()
enc = "utf-8-sig"
try: text = raw.decode(enc)
except UnicodeDecodeError: enc = "latin-1"; text = raw.decode(enc)
lines = text.splitlines(keepends=True)
delim = ";" if lines[0].count(";") > lines[0].count(",") else ","
head = next(csv.reader([lines[0]], delimiter=delim))
col = next(i for i, h in enumerate(head) if h == id_col) if id_col in head else None
keep = [lines[0]] + [l for l in lines[1:] if next(csv.reader([l], delimiter=delim))[col if col is not None else 0] != sys.argv[2]]
assert len(keep) == len(lines) - 1, "record not found"
open(path, "wb").write("".join(keep).encode(enc))
PY
"$HOPNHAT" sync --config hopnhat.json --report r-orphan.json >/dev/null 2>&1 || fail "sync after the record went away: $(cat r-orphan.json)"
store_check hopnhat.json
assert_eq "$(json r-orphan.json "j['decisions']['orphaned']")" "1" "orphaned decisions"
"$HOPNHAT" decisions list --config hopnhat.json --format json > dl.json
assert_eq "$(json dl.json "[d['status'] for d in j if d['id']==$(json d2.json "j['id']")]")" "['orphaned']" "the decision's status"
assert_contains "$(json dl.json "[d.get('status_note','') for d in j if d['status']=='orphaned'][0]")" "no longer belongs" "why"

# Lock-out: five wrong passwords, then even the right one is refused with 429.
for _ in 1 2 3 4; do assert_eq "$(code -H 'Content-Type: application/json' -d '{"user":"xem","password":"sai"}' "${URL}api/login")" "401" "wrong password"; done
assert_eq "$(code -H 'Content-Type: application/json' -d '{"user":"xem","password":"sai"}' "${URL}api/login")" "429" "fifth failure"
assert_eq "$(code -H 'Content-Type: application/json' -d '{"user":"xem","password":"mat-khau-viewer-1"}' "${URL}api/login")" "429" "locked"
# The wait the server names is the lock's (300 s for a first lock), not a rounded day.
RETRY=$(curl -s -o /dev/null -D - -H 'Content-Type: application/json' -d '{"user":"xem","password":"sai"}' "${URL}api/login" | tr -d '\r' | sed -n 's/^Retry-After: //Ip')
[[ $RETRY -gt 200 && $RETRY -le 300 ]] || fail "Retry-After $RETRY, expected the lock's remaining seconds"
# A name nobody has answers exactly as a real one: 401 four times, then 429.
for _ in 1 2 3 4; do assert_eq "$(code -H 'Content-Type: application/json' -d '{"user":"khong-co-ai","password":"sai"}' "${URL}api/login")" "401" "unknown name"; done
assert_eq "$(code -H 'Content-Type: application/json' -d '{"user":"khong-co-ai","password":"sai"}' "${URL}api/login")" "429" "an unknown name locks too"
# What is not a user name (here 200 KB) stays out of the append-only log.
python3 -c 'import json; print(json.dumps({"user": "x" * 200000, "password": "sai"}))' > big-login.json
assert_eq "$(code -H 'Content-Type: application/json' --data-binary @big-login.json "${URL}api/login")" "401" "a huge name"

# Bulk rules: a reviewer previews, only an admin applies (with a reason); the cases it decides
# leave the queue at once; the rule is listed, and undone like any decision.
ACSRF=$(login quan mat-khau-admin-01 quan.jar)
CSRF=$(login lan mat-khau-reviewer lan.jar)
# Ten party members' birth day moved within the month (the CCCD's year unchanged): where no
# third source breaks the tie, two full dates with nothing to decide — cases a rule can take.
python3 - <<'PY'
import csv
rows = list(csv.reader(open("party_members.csv", encoding="utf-8")))
for r in rows[1:11]:
    d, m, y = r[2].split("/")
    r[2] = f"{(int(d) % 27) + 1:02d}/{m}/{y}"
csv.writer(open("party_members.csv", "w", encoding="utf-8", newline="")).writerows(rows)
PY
"$HOPNHAT" sync --config hopnhat.json >/dev/null 2>&1 || fail "sync with moved birth days"
RFIELD=birth_date
RSRC=civil
RULE="{\"field\":\"$RFIELD\",\"source\":\"$RSRC\",\"when\":\"always\"}"
assert_eq "$(code -b lan.jar -H "X-CSRF-Token: $CSRF" -d "$RULE" "${URL}api/rules/preview")" "200" "a reviewer previews a rule"
DECIDES=$(json body.json "j['cases']")
[[ $DECIDES -gt 0 ]] || fail "the rule decides no case in the generated data: $(cat body.json)"
assert_eq "$(code -b lan.jar -H "X-CSRF-Token: $CSRF" -d "$RULE" "${URL}api/rules")" "403" "a reviewer applies a rule"
assert_eq "$(code -b quan.jar -H "X-CSRF-Token: $ACSRF" -d '{"field":"hometown","source":"civil"}' "${URL}api/rules/preview")" "400" "a field without cases"
assert_contains "$(cat body.json)" "/field" "the error names the key"
assert_eq "$(code -b quan.jar -H "X-CSRF-Token: $ACSRF" -d '{"field":"birth_date","source":"nowhere"}' "${URL}api/rules/preview")" "400" "an unknown source"
assert_eq "$(code -b quan.jar -H "X-CSRF-Token: $ACSRF" -d "$RULE" "${URL}api/rules")" "400" "a rule without a reason"
code -b quan.jar "${URL}api/conflicts?kind=value_mismatch&per_page=200" >/dev/null
BEFORE=$(json body.json "sum(1 for c in j['items'] if c['field'] == '$RFIELD')")
assert_eq "$(code -b quan.jar -H "X-CSRF-Token: $ACSRF" -d "{\"field\":\"$RFIELD\",\"source\":\"$RSRC\",\"when\":\"always\",\"note\":\"hồ sơ gốc\"}" "${URL}api/rules")" "200" "an admin applies a rule"
assert_eq "$(json body.json "j['decided']['cases']")" "$DECIDES" "it decides what the preview showed"
RID=$(json body.json "j['rule']['id']")
code -b quan.jar "${URL}api/conflicts?kind=value_mismatch&per_page=200" >/dev/null
assert_eq "$(json body.json "sum(1 for c in j['items'] if c['field'] == '$RFIELD')")" "$((BEFORE - DECIDES))" "the decided cases left the queue"
assert_eq "$(code -b quan.jar "${URL}api/rules")" "200" "rules"
assert_eq "$(json body.json "[(r['id'], r['rule']) for r in j['rules']]")" "[($RID, {'field': '$RFIELD', 'source': '$RSRC', 'when': 'always'})]" "the rule in force"
"$HOPNHAT" sync --config hopnhat.json --report rule-sync.json >/dev/null 2>&1 || fail "sync under a rule"
assert_eq "$(json rule-sync.json "j['conflicts']['opened']")" "0" "the rule holds on the next run"
assert_eq "$(code -b quan.jar -H "X-CSRF-Token: $ACSRF" -d '{}' "${URL}api/decisions/$RID/undo")" "200" "undo the rule"

# Admins manage users; a disabled user's session ends.
assert_eq "$(code -b quan.jar -H "X-CSRF-Token: $ACSRF" -H 'Content-Type: application/json' -d '{"name":"hoa","role":"reviewer","password":"mat-khau-cua-hoa"}' "${URL}api/users")" "200" "add user"
assert_eq "$(code -b quan.jar -H "X-CSRF-Token: $ACSRF" -d '{}' "${URL}api/users/lan/disable")" "200" "disable"
assert_eq "$(code -b lan.jar "${URL}api/me")" "401" "the disabled user's session"

# The audit chain: intact, holds every login, decision, undo and user change; a hand edit is named.
"$HOPNHAT" audit verify --config hopnhat.json > verify.txt || fail "audit verify: $(cat verify.txt)"
# Keyed under a key outside the store (mode 0600), the head anchored in a checkpoint and a run.
assert_contains "$(cat verify.txt)" "proven: " "audit verify says what it proved"
assert_contains "$(cat verify.txt)" "hopnhat.db.audit-head" "audit verify names the checkpoint"
assert_eq "$(stat -c %a hopnhat.db.audit-key)" "600" "the audit key's mode"
"$HOPNHAT" audit list --config hopnhat.json --limit 500 --format json > audit.json
[[ $(stat -c %s audit.json) -lt 200000 ]] || fail "the audit log holds the huge name"
for action in user.add login login.failed decision.choose decision.undo decision.orphaned user.disable; do
  assert_eq "$(json audit.json "'$action' in [a['action'] for a in j]")" "True" "audit entry $action"
done
kill $SERVER; wait $SERVER 2>/dev/null || true
# HTTPS: the same server with a certificate; the session cookie is then also Secure.
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj "/CN=127.0.0.1" >/dev/null 2>&1 \
  || fail "openssl could not make a test certificate"
"$HOPNHAT" serve --config hopnhat.json --listen 127.0.0.1:0 --tls-cert cert.pem --tls-key key.pem > tls.out 2> tls.err &
SERVER=$!
for _ in $(seq 50); do grep -q listening tls.out && break; sleep 0.1; done
TLS_URL=$(grep -o 'https://[^ ]*' tls.out) || fail "the HTTPS server did not start: $(cat tls.err)"
assert_eq "$(curl -sk --cacert cert.pem -o /dev/null -w '%{http_code}' "${TLS_URL}api/me")" "401" "HTTPS without a session"
curl -s --cacert cert.pem -D tls-headers.txt -o /dev/null -H 'Content-Type: application/json' \
  -d '{"user":"quan","password":"mat-khau-admin-01"}' "${TLS_URL}api/login" || fail "HTTPS login with the certificate verified"
assert_contains "$(cat tls-headers.txt)" "SameSite=Strict; Max-Age=28800; Secure" "the cookie over HTTPS"
kill $SERVER; wait $SERVER 2>/dev/null || true
run_rc "$HOPNHAT" serve --config hopnhat.json --tls-cert cert.pem
assert_eq "$RC" "2" "--tls-cert without --tls-key"

python3 - <<'PY'
import sqlite3
db = sqlite3.connect("hopnhat.db")
try:
    db.execute("UPDATE audit_log SET actor = 'ai-do' WHERE seq = 4"); raise SystemExit("the store let an audit entry change")
except sqlite3.DatabaseError as e:
    assert "append-only" in str(e), e
db.execute("DROP TRIGGER audit_log_no_update")
db.execute("UPDATE audit_log SET actor = 'ai-do' WHERE seq = 4")
db.commit()
PY
run_rc "$HOPNHAT" audit verify --config hopnhat.json
assert_eq "$RC" "1" "audit verify after a hand edit"
assert_contains "$OUT" "BROKEN at entry 4" "audit verify"
echo "admin API test passed"
