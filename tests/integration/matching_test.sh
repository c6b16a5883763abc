#!/usr/bin/env bash
# Reconciliation end to end: quality on generated data and on FEBRL, review cases, conflicts,
# explanations, idempotence and stable person IDs.
source "$(dirname "$0")/lib.sh"

# 30% namesakes (same name, same birth year): the pairs the evidence cannot decide, so that the
# review flow below has cases to work on (on the typical setting almost none are left).
"$HOPNHAT" gen --persons 3000 --seed 9 --namesakes 0.3 --out data >/dev/null
"$HOPNHAT" sync --config data/hopnhat.json --report r1.json >/dev/null 2>&1
"$HOPNHAT" links --config data/hopnhat.json --format json > links1.json
python3 "$SOURCE_DIR/bench/evaluate.py" --links links1.json --truth data/truth.csv > q.json
python3 - q.json <<'PY'
import json, sys
q = json.load(open(sys.argv[1]))
assert q["precision"] >= 0.995, q
assert q["recall"] >= 0.98, q
assert q["review_share"] <= 0.03, q
PY

# FEBRL dataset 3 with the worked configuration of docs/matching.md.
FEBRL="$SOURCE_DIR/bench/data/febrl/dataset3.csv"
[[ -f "$FEBRL" ]] || fail "FEBRL data not found at $FEBRL"
mkdir febrl && cp "$FEBRL" "$SOURCE_DIR/bench/febrl/febrl3.json" febrl/
"$HOPNHAT" sync --config febrl/febrl3.json >/dev/null 2>&1
"$HOPNHAT" links --config febrl/febrl3.json --format json > febrl-links.json
python3 "$SOURCE_DIR/bench/evaluate.py" --links febrl-links.json --febrl > fq.json
assert_eq "$(json fq.json "j['f1'] >= 0.99")" "True" "FEBRL3 F1 $(cat fq.json)"

# Review cases: records waiting show status review; each case names two records.
"$HOPNHAT" conflicts list --config data/hopnhat.json --format json > conflicts.json
assert_eq "$(json conflicts.json "any(c['kind'] == 'match_review' for c in j)")" "True" "a review case"
assert_eq "$(json conflicts.json "any(c['kind'] == 'value_mismatch' for c in j)")" "True" "a value conflict"
assert_eq "$(json conflicts.json "all(len(c['candidates']) >= 2 and all('id' in x and 'source' in x and 'record_id' in x for x in c['candidates']) for c in j)")" "True" "candidates"
assert_contains "$("$HOPNHAT" links --config data/hopnhat.json --format csv)" ",review," "links"
id=$(json conflicts.json "[c['id'] for c in j if c['kind'] == 'match_review'][0]")
"$HOPNHAT" conflicts show --config data/hopnhat.json "$id" > show.txt
assert_contains "$(cat show.txt)" "match_review" "conflicts show"
assert_contains "$(cat show.txt)" "hopnhat explain" "conflicts show"

# Explanations: a review pair and a person, as text and JSON.
pair=$(json conflicts.json "' '.join(x['source'] + ':' + x['record_id'] for x in [c for c in j if c['kind'] == 'match_review'][0]['candidates'])")
"$HOPNHAT" explain --config data/hopnhat.json --pair $pair > explain.txt
assert_contains "$(cat explain.txt)" "full_name" "explain"
assert_contains "$(cat explain.txt)" "total weight" "explain"
"$HOPNHAT" explain --config data/hopnhat.json --pair $pair --format json > explain.json
assert_eq "$(json explain.json "abs(j['pairs'][0]['prior_weight'] + sum(t['weight'] for t in j['pairs'][0]['terms']) - j['pairs'][0]['total_weight']) < 1e-6")" "True" "waterfall adds up"
# Beyond the pair: the two persons weighed as wholes, every pair across them.
assert_eq "$(json explain.json "(j['cluster']['pairs'] == j['cluster']['records_a'] * j['cluster']['records_b'], 0 <= j['cluster']['min_probability'] <= j['cluster']['mean_probability'] <= 1, j['cluster']['person_a'] != j['cluster']['person_b'])")" "(True, True, True)" "cluster view of a review pair"
assert_contains "$(cat explain.txt)" "mean probability" "explain: the persons as wholes"
person=$(json links1.json "[l['person_id'] for l in j if l['rule'] == 'citizen_id'][0]")
assert_contains "$("$HOPNHAT" explain --config data/hopnhat.json "$person")" "the same valid citizen ID" "explain person"

# Idempotence: the same inputs again change nothing.
"$HOPNHAT" sync --config data/hopnhat.json --report r2.json >/dev/null 2>&1
assert_eq "$(json r2.json "(j['persons']['created'], j['persons']['updated'], j['persons']['merged'], j['persons']['retired'], j['conflicts']['opened'], j['conflicts']['closed'])")" "(0, 0, 0, 0, 0, 0)" "second run"
"$HOPNHAT" links --config data/hopnhat.json --format json > links2.json
cmp -s <(json links1.json "[(l['source'], l['record_id'], l['person_id'], l['status']) for l in j]") \
       <(json links2.json "[(l['source'], l['record_id'], l['person_id'], l['status']) for l in j]") || fail "links changed on an idle run"

# Stable person IDs: new records in a new source do not renumber anyone.
head -1 data/civil_servants.csv > data/extra.csv
sed -n '2,50p' data/civil_servants.csv | sed 's/^CB/XB/' >> data/extra.csv
python3 - data/hopnhat.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["sources"].append({"name": "extra", "plugin": "csv", "options": {"path": "extra.csv", "id": "Mã cán bộ", "delimiter": ";"}})
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
"$HOPNHAT" sync --config data/hopnhat.json --report r3.json >/dev/null 2>&1
"$HOPNHAT" links --config data/hopnhat.json --format json > links3.json
python3 - links1.json links3.json <<'PY'
import json, sys
before = {(l["source"], l["record_id"]): l["person_id"] for l in json.load(open(sys.argv[1]))}
after = {(l["source"], l["record_id"]): l["person_id"] for l in json.load(open(sys.argv[2]))}
moved = [k for k, p in before.items() if after[k] != p]
assert len(moved) <= len(before) * 0.002, f"{len(moved)} records changed person: {moved[:5]}"
extra = [p for k, p in after.items() if k[0] == "extra"]
assert sum(1 for p in extra if p in set(before.values())) >= 40, "new records did not join existing persons"
PY
echo "matching_test: ok"
