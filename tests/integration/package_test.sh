#!/usr/bin/env bash
# The SDK as an outside team uses it: install hopnhat into a prefix, build the plugin template
# and the bundled CSV plugin out of tree against it, run the template's tests (its unit tests
# and the conformance testkit), list its plugins and run a sync through them; `plugin new` makes
# an importer and an exporter project that build and pass their tests as made.
source "$(dirname "$0")/lib.sh"
JOBS=$(nproc)

cmake --install "$BUILD_DIR" --prefix "$WORK/prefix" >/dev/null
[[ -x "$WORK/prefix/bin/hopnhat" ]] || fail "hopnhat not installed"
[[ -f "$WORK/prefix/include/hopnhat/sdk/plugin.hpp" ]] || fail "SDK headers not installed"
[[ ! -e "$WORK/prefix/include/hopnhat/sdk/../../core" ]] || fail "core headers installed"
[[ -f "$WORK/prefix/lib/hopnhat/plugins/csv.plugin.json" ]] || fail "bundled plugin not installed"

cp -r "$SOURCE_DIR/sdk/template" template
cmake -S template -B template-build -DCMAKE_PREFIX_PATH="$WORK/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build template-build -j"$JOBS" >/dev/null
(cd template-build && ctest --output-on-failure) || fail "template tests"

# `hopnhat plugin new` makes a project per kind that builds and passes its tests as made.
"$WORK/prefix/bin/hopnhat" plugin new partydb-site --kind importer --dir imp > new.out || fail "plugin new --kind importer"
assert_contains "$(cat new.out)" "-DCMAKE_PREFIX_PATH=$WORK/prefix" "the next step names the prefix"
"$WORK/prefix/bin/hopnhat" plugin new roster --kind exporter --dir exp >/dev/null || fail "plugin new --kind exporter"
[[ -f imp/partydb_site.plugin.json && -f imp/src/partydb_site_plugin.cpp && -f imp/tests/data/expected_records.json ]] || fail "the importer project's files"
[[ ! -e exp/tests/data/expected_records.json ]] || fail "an exporter project has no importer test data"
assert_eq "$(grep -rli example imp exp || true)" "" "nothing left named after the template"
assert_eq "$(grep -rc 'template:' imp exp | grep -v ':0$' || true)" "" "no template markers left"
# A manifest is written as it is: nothing in it is read as a CMake variable.
python3 - <<'PY'
import json
m = json.load(open("imp/partydb_site.plugin.json"))
m["description"] = "party list; not ${HOME} nor @PROJECT_NAME@"
json.dump(m, open("imp/partydb_site.plugin.json", "w"), ensure_ascii=False, indent=2)
PY
for p in imp exp; do
  cmake -S $p -B $p-build -DCMAKE_PREFIX_PATH="$WORK/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null || fail "configure $p"
  cmake --build $p-build -j"$JOBS" >/dev/null || fail "build $p"
  (cd $p-build && ctest --output-on-failure >../$p-ctest.log) || { cat $p-ctest.log; fail "the tests of the $p project"; }
done
assert_contains "$(cat imp-ctest.log)" "conformance.hopnhat_partydb_site" "the importer's conformance test ran"
assert_eq "$(json imp-build/partydb-site.plugin.json "j['description']")" 'party list; not ${HOME} nor @PROJECT_NAME@' "the manifest as written"
"$WORK/prefix/bin/hopnhat" plugins list --json --plugin-dir imp-build --plugin-dir exp-build > new.json
assert_eq "$(json new.json "sorted((p['name'], p['kinds']) for p in j['plugins'] if p['name'] in ('partydb-site', 'roster'))")" \
  "[('partydb-site', ['importer']), ('roster', ['exporter'])]" "the new plugins and their kinds"
"$WORK/prefix/bin/hopnhat" plugins check --plugin-dir imp-build --plugin-dir exp-build >/dev/null || fail "plugins check on the new plugins"
# … and a sync reads through the one and writes through the other.
cat > new.json <<'JSON'
{"store": {"sqlite": "new.db"},
 "sources": [{"name": "site", "plugin": "partydb-site", "options": {"path": "imp/tests/data/staff.json"}}],
 "exports": [{"name": "list", "plugin": "roster", "options": {"path": "roster-out.json"}}]}
JSON
"$WORK/prefix/bin/hopnhat" sync --config new.json --plugin-dir imp-build --plugin-dir exp-build --report new-run.json >/dev/null 2>&1 ||
  fail "a sync through the new plugins: $(cat new-run.json 2>/dev/null)"
assert_eq "$(json new-run.json "(j['status'], j['sources'][0]['read'], j['exports'][0]['written'])")" "('succeeded', 3, 3)" "the sync through the new plugins"
assert_eq "$(json roster-out.json "sorted(p['full_name'] for p in j)")" "['Nguyễn Thị Lan', 'Phạm Văn Đông', 'Triệu Thị Mai']" "what the new exporter wrote"
# The expected records are wired in: a record the importer does not read fails the conformance test.
sed -i 's/Triệu Thị Mai/Triệu Thị Mây/' imp/tests/data/expected_records.json
if (cd imp-build && ctest -R conformance >../imp-broken.log 2>&1); then fail "a wrong expected record passed"; fi
assert_contains "$(cat imp-broken.log imp-build/Testing/Temporary/LastTest.log)" "Triệu Thị Mây" "the difference is named"
run_rc "$WORK/prefix/bin/hopnhat" plugin new roster --dir exp
assert_eq "$RC" "2" "plugin new into a folder that is not empty"
run_rc "$WORK/prefix/bin/hopnhat" plugin new "Bad Name"
assert_eq "$RC" "2" "plugin new with a bad name"
[[ ! -e "Bad Name" ]] || fail "a refused plugin new wrote something"
[[ -f "$WORK/prefix/share/doc/hopnhat/plugin-guide.md" && -f "$WORK/prefix/share/doc/hopnhat/header_aliases.tsv" && -f "$WORK/prefix/share/doc/hopnhat/examples/hr-jsonl/src/hr_jsonl_importer.cpp" ]] || fail "the guide and its example are installed"

# The plugin guide's second worked example: a JSON-lines importer with a history facet builds
# against the installed SDK, passes its conformance test (records and history as expected), is
# caught by it when a history row differs, and a sync through it keeps the history.
cp -r "$SOURCE_DIR/examples/hr-jsonl" hr-jsonl
cmake -S hr-jsonl -B hr-jsonl-build -DCMAKE_PREFIX_PATH="$WORK/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null || fail "configure hr-jsonl"
cmake --build hr-jsonl-build -j"$JOBS" >/dev/null || fail "build hr-jsonl"
(cd hr-jsonl-build && ctest --output-on-failure >../hr-ctest.log) || { cat hr-ctest.log; fail "the conformance test of hr-jsonl"; }
"$WORK/prefix/bin/hopnhat" plugins check --plugin-dir hr-jsonl-build >/dev/null || fail "plugins check on hr-jsonl"
cat > hr.json <<'JSON'
{"store": {"sqlite": "hr.db"},
 "sources": [{"name": "hr", "plugin": "hr-jsonl", "options": {"path": "hr-jsonl/tests/data/staff.jsonl"}}]}
JSON
"$WORK/prefix/bin/hopnhat" sync --config hr.json --plugin-dir hr-jsonl-build --report hr-run.json >/dev/null 2>&1 ||
  fail "a sync through hr-jsonl: $(cat hr-run.json 2>/dev/null)"
assert_eq "$(json hr-run.json "(j['sources'][0]['read'], j['sources'][0]['failed'], [r.split(':')[0] for r in j['sources'][0]['rejections']])")" \
  "(3, 3, ['staff.jsonl line 4', 'staff.jsonl line 5', 'staff.jsonl line 6'])" "the records read and the lines refused"
"$WORK/prefix/bin/hopnhat" persons --config hr.json --plugin-dir hr-jsonl-build --format json > hr-persons.json
assert_eq "$(json hr-persons.json "[(t['kind'], t['from'], t['to'], t['fields'].get('unit', t['fields'].get('salary_step'))) for p in j if p['fields']['full_name']['value'] == 'Nguyễn Thị Lan' for t in p['timeline']]")" \
  "[('grade', '2020-01-01', '', '3'), ('posting', '2015-03-01', '2025-06-30', 'Phòng Nội vụ'), ('posting', '2025-07-01', '', 'Phòng Tổ chức - Nội vụ')]" \
  "the history read through hr-jsonl, its dates read by the host"
sed -i 's/"from": "01\/07\/2025"/"from": "01\/08\/2025"/' hr-jsonl/tests/data/expected_records.json
if (cd hr-jsonl-build && ctest >../hr-broken.log 2>&1); then fail "a wrong expected history row passed"; fi
assert_contains "$(cat hr-broken.log hr-jsonl-build/Testing/Temporary/LastTest.log)" "history row 2" "the differing history row is named"

# The bundled CSV plugin builds on its own against the installed SDK (find_package path).
cmake -S "$SOURCE_DIR/plugins/csv" -B csv-build -DCMAKE_PREFIX_PATH="$WORK/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build csv-build -j"$JOBS" >/dev/null
[[ -f csv-build/csv.plugin.json && -f csv-build/libhopnhat_csv.so ]] || fail "out-of-tree csv plugin"

# The installed hopnhat finds its bundled plugins, and the template's through --plugin-dir.
"$WORK/prefix/bin/hopnhat" plugins list --json --plugin-dir template-build > plugins.json
assert_eq "$(json plugins.json "sorted(p['name'] for p in j['plugins'])")" "['civilservice', 'csv', 'example', 'partydb', 'reports', 'spreadsheet']" "plugins"
assert_eq "$(json plugins.json "[p['kinds'] for p in j['plugins'] if p['name']=='example'][0]")" "['importer', 'exporter']" "kinds"

# The other two ways to name a plugin folder: HOPNHAT_PLUGIN_PATH and the config's plugin_dirs.
HOPNHAT_PLUGIN_PATH="$WORK/template-build" "$WORK/prefix/bin/hopnhat" plugins list --json > env.json
assert_eq "$(json env.json "'example' in [p['name'] for p in j['plugins']]")" "True" "HOPNHAT_PLUGIN_PATH"

cp template/tests/data/staff.json .
cat > c.json <<'JSON'
{"store": {"sqlite": "h.db"},
 "sources": [{"name": "staff", "plugin": "example", "options": {"path": "staff.json"}}],
 "exports": [{"name": "json", "plugin": "example", "options": {"path": "golden.json"}}]}
JSON
"$WORK/prefix/bin/hopnhat" sync --config c.json --plugin-dir template-build --report r.json >/dev/null 2>&1
assert_eq "$(json r.json "(j['status'], j['sources'][0]['read'])")" "('succeeded', 3)" "template sync"
assert_eq "$(json golden.json "len(j)")" "3" "template export"
cat > d.json <<JSON
{"store": {"sqlite": "d.db"}, "plugin_dirs": ["$WORK/template-build"],
 "sources": [{"name": "staff", "plugin": "example", "options": {"path": "staff.json"}}]}
JSON
"$WORK/prefix/bin/hopnhat" validate --config d.json > /dev/null || fail "plugin_dirs in the configuration"
echo "package_test: ok"
