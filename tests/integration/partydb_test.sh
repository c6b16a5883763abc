#!/usr/bin/env bash
# The partydb plugin against a real PostgreSQL server through Debian's psqlODBC driver: full and
# incremental reads, exact change counts, deletions on the periodic full read, a wrong password.
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/support/pg.sh"
pg_start

"$HOPNHAT" gen --persons 300 --seed 21 --out data >/dev/null
pg_psql postgres -c "CREATE ROLE hopnhat LOGIN PASSWORD 'pw-Đảng-2026'" -c "CREATE DATABASE party OWNER hopnhat"
python3 "$SOURCE_DIR/tests/support/party_sql.py" data/party_members.csv > load.sql
pg_psql party -f load.sql
members=$(pg_psql party -tA -c "SELECT count(*) FROM dang_vien")

export PARTYDB_PASSWORD='pw-Đảng-2026'
cat > data/party.json <<JSON
{"store": {"sqlite": "party.db"},
 "sources": [
   {"name": "partydb", "plugin": "partydb", "options": {
      "connection": "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=$PG_PORT;Database=party;Uid=hopnhat;Pwd=\${PARTYDB_PASSWORD}",
      "full_every": 2}},
   {"name": "civil", "plugin": "csv", "options": {"path": "civil_servants.csv", "id": "Mã cán bộ"}}
 ]}
JSON
"$HOPNHAT" sync --config data/party.json --report r1.json >/dev/null 2>&1 || fail "first sync: $(cat r1.json)"
assert_eq "$(json r1.json "[s for s in j['sources'] if s['name']=='partydb'][0]['new']")" "$members" "party members read"
"$HOPNHAT" persons --config data/party.json --format json > persons.json
assert_eq "$(json persons.json "any(p['fields'].get('party_unit', {}).get('value', '').startswith('Chi bộ') for p in j)")" "True" "cell name joined"
assert_eq "$(json persons.json "any(p['fields'].get('party_join_date', {}).get('value', '')[:2] in ('19', '20') for p in j)")" "True" "dates"

# Three members change, one joins, one leaves: an incremental read sees exactly that.
pg_psql party -c "UPDATE dang_vien SET que_quan = 'Quảng Ninh', cap_nhat_luc = TIMESTAMP '2026-06-01'
                  WHERE so_the_dang_vien IN (SELECT so_the_dang_vien FROM dang_vien ORDER BY so_the_dang_vien LIMIT 3)"
pg_psql party -c "INSERT INTO dang_vien VALUES ('99999999', 'Lò Văn Mới', 'Nam', '1990', 'Lai Châu', NULL, '2020-05-19', NULL, 1, TIMESTAMP '2026-06-01')"
pg_psql party -c "DELETE FROM dang_vien WHERE so_the_dang_vien = (SELECT max(so_the_dang_vien) FROM dang_vien WHERE so_the_dang_vien <> '99999999')"
"$HOPNHAT" sync --config data/party.json --report r2.json >/dev/null 2>&1 || fail "second sync"
assert_eq "$(json r2.json "[(s['changed'], s['new'], s['deleted']) for s in j['sources'] if s['name']=='partydb'][0]")" "(3, 1, 0)" "incremental counts"
assert_eq "$(json r2.json "[s['read'] for s in j['sources'] if s['name']=='partydb'][0] < 10")" "True" "only changed rows were read"

# The third read is a full one (full_every 2: full, incremental, full): the member who left is now deleted.
"$HOPNHAT" sync --config data/party.json --report r3.json >/dev/null 2>&1 || fail "third sync"
assert_eq "$(json r3.json "[(s['changed'], s['new'], s['deleted']) for s in j['sources'] if s['name']=='partydb'][0]")" "(0, 0, 1)" "full read"
assert_eq "$(json r3.json "[s['read'] for s in j['sources'] if s['name']=='partydb'][0]")" "$members" "full read count"

# A wrong password: the run fails, names the problem, shows no secret and commits nothing.
"$HOPNHAT" persons --config data/party.json --format json > before.json
PARTYDB_PASSWORD=wrong run_rc "$HOPNHAT" sync --config data/party.json --report r4.json
assert_eq "$RC" "1" "exit code with a wrong password"
assert_contains "$OUT$ERR" "cannot connect to the party database" "error"
"$HOPNHAT" persons --config data/party.json --format json > after.json
cmp -s before.json after.json || fail "a failed run changed persons"
if grep -qa "pw-Đảng-2026" data/party.db r1.json r2.json r3.json r4.json; then fail "the password was stored"; fi
# The conformance testkit, as every bundled plugin passes it.
"$BUILD_DIR/bin/hopnhat-testkit" --manifest "$BUILD_DIR/lib/hopnhat/plugins/partydb.plugin.json" \
  --importer-options "{\"connection\": \"Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=$PG_PORT;Database=party;Uid=hopnhat;Pwd=pw-Đảng-2026\"}" \
  > testkit.txt 2>&1 || { cat testkit.txt; fail "partydb conformance"; }
echo "partydb_test: ok"
